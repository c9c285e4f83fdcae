package org.porthole.engine.guest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.DisconnectActionOutcome;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.GuestEventKind;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.GuestOs;
import org.porthole.api.hostagent.v1.GuestSession;
import org.porthole.api.hostagent.v1.GuestState;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.EventSender;
import org.porthole.engine.it.StackResource;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.FakeHostAgent;

/**
 * The engine's side of the guest agent (issue 4) on real PostgreSQL and Kafka with a real gRPC host
 * agent: guest states and disconnect actions from {@code porthole.guests.v1}, shown in the VM list
 * and audited; console policies stored and given to the host agent, again after it restarts.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class GuestIT {

  private static FakeHostAgent agent;
  private static EventSender events;

  @Inject DataSource dataSource;

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @BeforeEach
  void startAgent() throws Exception {
    if (agent == null) {
      agent = FakeHostAgent.start(Path.of(pkiDir));
      events = new EventSender();
    }
    agent.failPoliciesWith(null);
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
      events.close();
    }
  }

  @Test
  void guestStateShowsInTheVmListAndDisconnectActionsAreAudited() {
    UUID vm = knownVm();
    long now = System.currentTimeMillis();
    events.send(stateEvent(vm, now, true, GuestSession.GUEST_SESSION_UNLOCKED));
    EngineApi.awaitVmField(vm, "guest.session", "unlocked");
    JsonPath listed = given().get("/api/v1/vms").jsonPath();
    String path = "find { it.id == '" + vm + "' }.guest";
    assertThat(listed.getString(path + ".agentVersion")).isEqualTo("1.0.0");
    assertThat(listed.getBoolean(path + ".responsive")).isTrue();
    assertThat(listed.getList(path + ".users", String.class)).containsExactly("tester");

    events.send(actionEvent(vm, now + 10, true, "", GuestSession.GUEST_SESSION_LOCKED, true));
    EngineApi.awaitVmField(vm, "guest.locked", true);
    JsonPath guest =
        given().get("/api/v1/vms/" + vm + "/guest").then().statusCode(200).extract().jsonPath();
    assertThat(guest.getString("disconnectActions[0].action")).isEqualTo("lock-screen");
    assertThat(guest.getBoolean("disconnectActions[0].confirmed")).isTrue();

    // An older state that arrives late does not undo the newer one.
    GuestEvent late = stateEvent(vm, now - 60_000, true, GuestSession.GUEST_SESSION_UNLOCKED);
    events.send(late);
    await().atMost(EngineApi.EVENT_WAIT).until(() -> applied(late.getEventId()));
    assertThat(given().get("/api/v1/vms/" + vm + "/guest").jsonPath().getBoolean("state.locked"))
        .isTrue();
  }

  @Test
  void anUnresponsiveGuestIsNeverShownLockedAndAnUnconfirmedActionSaysWhy() {
    UUID vm = knownVm();
    long now = System.currentTimeMillis();
    // A host agent that claims locked while unresponsive is not believed.
    events.send(
        actionEvent(
            vm, now, false, "guest agent unresponsive", GuestSession.GUEST_SESSION_LOCKED, false));
    EngineApi.awaitVmField(vm, "guest.responsive", false);
    JsonPath guest = given().get("/api/v1/vms/" + vm + "/guest").jsonPath();
    assertThat(guest.getBoolean("state.locked")).isFalse();
    assertThat(guest.getBoolean("disconnectActions[0].confirmed")).isFalse();
    assertThat(guest.getString("disconnectActions[0].reason"))
        .isEqualTo("guest agent unresponsive");
  }

  @Test
  void hostileGuestTextIsBoundedAndMalformedEventsAreSkipped() {
    UUID vm = knownVm();
    String huge = "x".repeat(10_000) + "\u0007\n";
    GuestState.Builder state =
        GuestState.newBuilder()
            .setVmUuid(vm.toString())
            .setResponsive(true)
            .setHostname(huge)
            .setAgentVersion("1.0.0\u001b[31m");
    for (int i = 0; i < 500; i++) {
      state.addUsers("user" + i);
    }
    events.sendRaw(
        EventSender.topic(agent.hostId(), EventTopics.Stream.GUESTS),
        vm.toString(),
        "not a protobuf".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    events.send(
        GuestEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid("not-a-uuid")
            .setHostId(agent.hostId())
            .setKind(GuestEventKind.GUEST_EVENT_KIND_STATE)
            .setState(state)
            .build());
    events.send(
        GuestEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(vm.toString())
            .setHostId(agent.hostId())
            .setKind(GuestEventKind.GUEST_EVENT_KIND_STATE)
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .setState(state)
            .build());
    EngineApi.awaitVmField(vm, "guest.responsive", true);
    JsonPath guest = given().get("/api/v1/vms/" + vm + "/guest").jsonPath();
    assertThat(guest.getString("state.hostname")).hasSize(GuestEventMapping.MAX_TEXT);
    assertThat(guest.getString("state.agentVersion")).doesNotContain("\u001b");
    assertThat(guest.getList("state.users")).hasSize(GuestEventMapping.MAX_LIST);
  }

  @Test
  void consolePolicyIsStoredAndGivenToTheHostAgent() {
    UUID vm = knownVm();
    given().get("/api/v1/vms/" + vm + "/console-policy").then().statusCode(200);
    assertThat(
            given()
                .get("/api/v1/vms/" + vm + "/console-policy")
                .jsonPath()
                .getString("disconnectAction"))
        .isEqualTo("lock-screen");

    JsonPath set =
        given()
            .contentType("application/json")
            .body("{\"disconnectAction\":\"log-off\",\"graceMs\":500,\"reconnectWindowSeconds\":0}")
            .put("/api/v1/vms/" + vm + "/console-policy")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(set.getBoolean("onHost")).isTrue();
    SetConsolePolicyRequest pushed = lastPolicyFor(vm);
    assertThat(pushed.getDisconnectAction()).isEqualTo(DisconnectAction.DISCONNECT_ACTION_LOG_OFF);
    assertThat(pushed.getGraceMs()).isEqualTo(500);
    assertThat(pushed.getReconnectWindowS()).isZero();
    assertThat(
            given()
                .get("/api/v1/vms/" + vm + "/console-policy")
                .jsonPath()
                .getString("disconnectAction"))
        .isEqualTo("log-off");
  }

  @Test
  void aPolicyTheAgentCannotTakeIsKeptAndGivenWhenTheAgentRestarts() {
    UUID vm = knownVm();
    agent.failPoliciesWith(Status.UNAVAILABLE);
    JsonPath set =
        given()
            .contentType("application/json")
            .body("{\"disconnectAction\":\"none\"}")
            .put("/api/v1/vms/" + vm + "/console-policy")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(set.getBoolean("stored")).isTrue();
    assertThat(set.getBoolean("onHost")).isFalse();
    assertThat(set.getString("note")).contains("UPSTREAM_UNAVAILABLE");

    agent.failPoliciesWith(null);
    // The agent restarted (new boot id): the engine lists its domains again, then gives it the
    // policy.
    agent.setDomains(
        List.of(
            AgentMessages.domain(vm.toString(), "guest", DomainState.DOMAIN_STATE_RUNNING, true)));
    events.heartbeat(agent.hostId(), UUID.randomUUID().toString(), 600);
    await()
        .atMost(EngineApi.EVENT_WAIT)
        .until(
            () ->
                agent.policies().stream()
                    .anyMatch(
                        p ->
                            p.getVmUuid().equals(vm.toString())
                                && p.getDisconnectAction()
                                    == DisconnectAction.DISCONNECT_ACTION_NONE));
    await()
        .atMost(EngineApi.EVENT_WAIT)
        .until(
            () ->
                given()
                    .get("/api/v1/vms/" + vm + "/console-policy")
                    .jsonPath()
                    .getBoolean("onHost"));
  }

  @Test
  void badPolicyBodiesAreRefusedAndNothingStoredIsLost() {
    UUID vm = knownVm();
    given()
        .contentType("application/json")
        .body("{\"disconnectAction\":\"reboot\",\"graceMs\":1000}")
        .put("/api/v1/vms/" + vm + "/console-policy")
        .then()
        .statusCode(200);
    for (String bad :
        List.of(
            "{\"disconnectAction\":\"format-disk\"}",
            "{\"graceMs\":-1}",
            "{\"graceMs\":60001}",
            "{\"reconnectWindowSeconds\":601}",
            "{\"nonsense\":1}",
            "[1,2]",
            "{",
            "")) {
      JsonPath error =
          given()
              .contentType("application/json")
              .body(bad)
              .put("/api/v1/vms/" + vm + "/console-policy")
              .then()
              .statusCode(400)
              .extract()
              .jsonPath();
      assertThat(error.getString("status")).as(bad).isEqualTo("BAD_REQUEST");
    }
    given()
        .contentType("application/json")
        .body("{}")
        .put("/api/v1/vms/" + UUID.randomUUID() + "/console-policy")
        .then()
        .statusCode(404);
    given().get("/api/v1/vms/not-a-uuid/guest").then().statusCode(400);
    JsonPath kept = given().get("/api/v1/vms/" + vm + "/console-policy").jsonPath();
    assertThat(kept.getString("disconnectAction")).isEqualTo("reboot");
    assertThat(kept.getInt("graceMs")).isEqualTo(1000);
  }

  private boolean applied(String eventId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT 1 FROM applied_events WHERE event_id = ?")) {
      statement.setString(1, eventId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private SetConsolePolicyRequest lastPolicyFor(UUID vm) {
    List<SetConsolePolicyRequest> mine =
        agent.policies().stream().filter(p -> p.getVmUuid().equals(vm.toString())).toList();
    assertThat(mine).isNotEmpty();
    return mine.get(mine.size() - 1);
  }

  /** A VM the engine lists on the fake agent (through a lifecycle event carrying its domain). */
  private UUID knownVm() {
    UUID vm = UUID.randomUUID();
    events.send(
        org.porthole.api.events.v1.LifecycleEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(vm.toString())
            .setHostId(agent.hostId())
            .setName("guest-" + vm.toString().substring(0, 8))
            .setState(DomainState.DOMAIN_STATE_RUNNING)
            .setDetail("STARTED/BOOTED")
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .setDomain(
                AgentMessages.domain(
                    vm.toString(), "guest", DomainState.DOMAIN_STATE_RUNNING, true))
            .build());
    EngineApi.awaitVm(vm);
    return vm;
  }

  private GuestEvent stateEvent(UUID vm, long at, boolean responsive, GuestSession session) {
    return GuestEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setVmUuid(vm.toString())
        .setHostId(agent.hostId())
        .setKind(GuestEventKind.GUEST_EVENT_KIND_STATE)
        .setOccurredAtEpochMs(at)
        .setState(state(vm, responsive, session, session == GuestSession.GUEST_SESSION_LOCKED))
        .build();
  }

  private GuestEvent actionEvent(
      UUID vm,
      long at,
      boolean confirmed,
      String reason,
      GuestSession session,
      boolean responsive) {
    return GuestEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setVmUuid(vm.toString())
        .setHostId(agent.hostId())
        .setKind(GuestEventKind.GUEST_EVENT_KIND_DISCONNECT_ACTION)
        .setOccurredAtEpochMs(at)
        .setState(state(vm, responsive, session, session == GuestSession.GUEST_SESSION_LOCKED))
        .setAction(
            DisconnectActionOutcome.newBuilder()
                .setAction(DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN)
                .setConfirmed(confirmed)
                .setReason(reason))
        .build();
  }

  private static GuestState state(
      UUID vm, boolean responsive, GuestSession session, boolean locked) {
    return GuestState.newBuilder()
        .setVmUuid(vm.toString())
        .setChannel(true)
        .setConnected(responsive)
        .setResponsive(responsive)
        .setAgentName("porthole-guest-agent")
        .setAgentVersion("1.0.0")
        .setProtocolVersion(1)
        .setHostname("demo")
        .setOs(GuestOs.newBuilder().setName("Debian"))
        .addUsers("tester")
        .addIps("10.0.0.5")
        .setSession(session)
        .setLocked(locked)
        .build();
  }
}
