package org.porthole.engine.inventory;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.EventSender;
import org.porthole.engine.it.SignIn;
import org.porthole.engine.it.StackResource;
import org.porthole.stack.host.Ports;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.FakeHostAgent;

/** The inventory learned from a real host-agent gRPC server and real Kafka events. */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class InventoryIT {

  private static final int SILENT_TIMEOUT_SECONDS = 20;

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
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
      events.close();
    }
  }

  @Test
  void heartbeatFromUnknownHostOrNewBootListsItsDomains() {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    agent.setDomains(
        List.of(
            AgentMessages.domain(first.toString(), "alpha", DomainState.DOMAIN_STATE_RUNNING, true),
            AgentMessages.domain(
                second.toString(), "beta", DomainState.DOMAIN_STATE_SHUTOFF, false)));
    String boot = UUID.randomUUID().toString();
    events.heartbeat(agent.hostId(), boot, 600);

    JsonPath alpha = EngineApi.awaitVm(first);
    assertThat(alpha.getString("name")).isEqualTo("alpha");
    assertThat(alpha.getString("state")).isEqualTo("running");
    assertThat(alpha.getString("hostId")).isEqualTo(agent.hostId());
    assertThat(alpha.getBoolean("hostOnline")).isTrue();
    assertThat(alpha.getMap("graphics"))
        .isEqualTo(Map.of("type", "vnc", "exposed", false, "passwordCapable", true));
    assertThat(EngineApi.awaitVm(second).getString("state")).isEqualTo("shutoff");

    // Same boot: no new listing. New boot: listed again, and a domain gone from the host leaves the
    // inventory.
    int calls = agent.listCalls();
    events.heartbeat(agent.hostId(), boot, 600);
    agent.setDomains(
        List.of(
            AgentMessages.domain(
                first.toString(), "alpha", DomainState.DOMAIN_STATE_RUNNING, true)));
    events.heartbeat(agent.hostId(), UUID.randomUUID().toString(), 600);
    await()
        .atMost(EngineApi.EVENT_WAIT)
        .until(() -> given().get("/api/v1/vms/" + second).statusCode() == 404);
    assertThat(agent.listCalls()).isEqualTo(calls + 1);
    assertThat(given().get("/api/v1/vms/" + first).statusCode()).isEqualTo(200);
  }

  @Test
  void lifecycleEventsUpdateStateLearnNewVmsAndForgetUndefinedOnes() {
    UUID vm = UUID.randomUUID();
    events.send(
        LifecycleEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(vm.toString())
            .setHostId(agent.hostId())
            .setName("gamma")
            .setState(DomainState.DOMAIN_STATE_RUNNING)
            .setDetail("STARTED/BOOTED")
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .setDomain(
                AgentMessages.domain(
                    vm.toString(), "gamma", DomainState.DOMAIN_STATE_RUNNING, true))
            .build());
    assertThat(EngineApi.awaitVm(vm).getBoolean("graphics.passwordCapable")).isTrue();

    events.send(
        lifecycle(vm, "gamma-renamed", DomainState.DOMAIN_STATE_SHUTOFF, "STOPPED/SHUTDOWN"));
    EngineApi.awaitVmField(vm, "state", "shutoff");
    assertThat(given().get("/api/v1/vms/" + vm).jsonPath().getString("name"))
        .isEqualTo("gamma-renamed");

    events.send(lifecycle(vm, "", DomainState.DOMAIN_STATE_SHUTOFF, "UNDEFINED/REMOVED"));
    await()
        .atMost(EngineApi.EVENT_WAIT)
        .until(() -> given().get("/api/v1/vms/" + vm).statusCode() == 404);
  }

  @Test
  void lifecycleEventForUnknownVmWithoutDomainStillListsIt() {
    UUID vm = UUID.randomUUID();
    events.send(lifecycle(vm, "delta", DomainState.DOMAIN_STATE_PAUSED, "SUSPENDED/PAUSED"));
    JsonPath delta = EngineApi.awaitVm(vm);
    assertThat(delta.getString("state")).isEqualTo("paused");
    assertThat(delta.getMap("graphics")).isNull();
  }

  @Test
  void silentHostIsMarkedOfflineAfterItsTimeout() {
    String hostId = "127.0.0.1:" + Ports.free();
    // A new host's topics are found within the consumer's metadata refresh (5 s) and a rebalance:
    // the timeout leaves room for that, so the heartbeat is still fresh when it is applied.
    events.heartbeat(hostId, UUID.randomUUID().toString(), SILENT_TIMEOUT_SECONDS);
    await()
        .atMost(Duration.ofSeconds(SILENT_TIMEOUT_SECONDS))
        .until(() -> hostOnline(hostId) == Boolean.TRUE);
    await()
        .atMost(Duration.ofSeconds(2L * SILENT_TIMEOUT_SECONDS))
        .until(() -> hostOnline(hostId) == Boolean.FALSE);
    assertThat(
            given()
                .get("/api/v1/hosts")
                .jsonPath()
                .getString("find { it.id == '" + hostId + "' }.agentVersion"))
        .isEqualTo("0.1.0-test");
  }

  @Test
  void goodbyeMarksHostOfflineAndAStaleHeartbeatDoesNotRevive() {
    String hostId = "127.0.0.1:" + Ports.free();
    events.heartbeat(hostId, "boot-1", 600);
    await().atMost(EngineApi.EVENT_WAIT).until(() -> hostOnline(hostId) == Boolean.TRUE);
    events.goodbye(hostId, "boot-1");
    await().atMost(EngineApi.EVENT_WAIT).until(() -> hostOnline(hostId) == Boolean.FALSE);

    String stale = events.heartbeatAt(hostId, "boot-1", 600, System.currentTimeMillis() - 60_000);
    await().atMost(EngineApi.EVENT_WAIT).until(() -> applied(stale));
    assertThat(hostOnline(hostId)).isFalse();
  }

  @Test
  void hostListIsForPortholeAdminsOnly() throws Exception {
    try (FakeHostAgent counted = FakeHostAgent.start(Path.of(pkiDir))) {
      List<UUID> vms = List.of(UUID.randomUUID(), UUID.randomUUID());
      counted.setDomains(
          vms.stream()
              .map(
                  vm ->
                      AgentMessages.domain(
                          vm.toString(), "counted", DomainState.DOMAIN_STATE_RUNNING, true))
              .toList());
      events.heartbeat(counted.hostId(), UUID.randomUUID().toString(), 600);
      vms.forEach(EngineApi::awaitVm);
      JsonPath hosts = given().get("/api/v1/hosts").then().statusCode(200).extract().jsonPath();
      String self = "find { it.id == '" + counted.hostId() + "' }";
      assertThat(hosts.getBoolean(self + ".online")).isTrue();
      assertThat(hosts.getInt(self + ".vmCount")).isEqualTo(2);
      assertThat(hosts.getString(self + ".agentVersion")).isEqualTo("0.1.0-test");
      assertThat(hosts.getString(self + ".lastSeen")).isNotNull();

      SignIn.as("alice")
          .get("/api/v1/hosts")
          .then()
          .statusCode(403)
          .body("status", equalTo("FORBIDDEN"));
      SignIn.anonymous().get("/api/v1/hosts").then().statusCode(401);
    }
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

  private static Boolean hostOnline(String hostId) {
    return given().get("/api/v1/hosts").jsonPath().get("find { it.id == '" + hostId + "' }.online");
  }

  private LifecycleEvent lifecycle(UUID vm, String name, DomainState state, String detail) {
    return LifecycleEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setVmUuid(vm.toString())
        .setHostId(agent.hostId())
        .setName(name)
        .setState(state)
        .setDetail(detail)
        .setOccurredAtEpochMs(System.currentTimeMillis())
        .build();
  }
}
