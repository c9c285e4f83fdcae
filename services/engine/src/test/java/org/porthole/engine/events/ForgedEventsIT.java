package org.porthole.engine.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.GuestEventKind;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.HostEventKind;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.GuestSession;
import org.porthole.api.hostagent.v1.GuestState;
import org.porthole.engine.console.ConsoleSession;
import org.porthole.engine.console.SessionRepository;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.guest.ConsolePolicyService;
import org.porthole.engine.inventory.ClaimedMoves;
import org.porthole.engine.it.Acls;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.EventSender;
import org.porthole.engine.it.StackResource;
import org.porthole.stack.host.Ports;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.FakeHostAgent;

/**
 * A host agent that publishes about another host's VMs, sessions or itself (acceptance 4): the
 * broker lets it write only its own topics (KafkaAccessIT in deploy/local/stack), and whatever it
 * writes there about what another host owns changes nothing here; each such event is counted. The
 * forger's events reach the broker as the super user, so the engine's own rule is what is tested.
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ForgedEventsIT {

  private static final String FORGER = "kvm-forger.example.org:9443";
  private static final UUID VM = UUID.randomUUID();

  /** A directory user (the realm's alice) who may connect to {@link #VM}. */
  private static final String OWNER = "alice";

  private static FakeHostAgent owner;
  private static EventSender events;

  @Inject IgnoredEvents ignored;

  @Inject Transactions transactions;

  @Inject SessionRepository sessions;

  @Inject ClaimedMoves moves;

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @BeforeEach
  void learnTheOwnersVm() throws Exception {
    if (owner != null) {
      return;
    }
    owner = FakeHostAgent.start(Path.of(pkiDir));
    events = new EventSender();
    owner.setDomains(
        List.of(
            AgentMessages.domain(VM.toString(), "owned", DomainState.DOMAIN_STATE_RUNNING, true)));
    events.heartbeat(owner.hostId(), UUID.randomUUID().toString(), 600);
    EngineApi.awaitVm(VM);
    // The sessions' owner may hold them: the revocation sweep ends consoles nobody may hold.
    new Acls().grantUser(OWNER, VM, "console.connect");
    EngineApi.awaitVmField(VM, "hostOnline", true);
  }

  @AfterAll
  static void stop() {
    if (owner != null) {
      owner.close();
      events.close();
    }
  }

  @Test
  void forgedDisconnectAndInitializeLeaveTheOwnersSessionsAlone() throws Exception {
    UUID live = session();
    owner.setLiveConsoles(
        List.of(AgentMessages.liveConsole(live, VM))); // its relay, for reconciliation
    events.graphics(VM, owner.hostId(), live, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(live, "connected");
    UUID issued = session();
    long before = ignored.total();
    long audit = auditRows();

    events.sendAs(FORGER, graphics(live, FORGER, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT));
    events.sendAs(FORGER, graphics(live, owner.hostId(), GraphicsPhase.GRAPHICS_PHASE_DISCONNECT));
    events.sendAs(FORGER, graphics(issued, FORGER, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE));

    awaitIgnored(before + 3);
    assertThat(EngineApi.session(live).getString("state")).isEqualTo("connected");
    assertThat(EngineApi.session(issued).getString("state")).isEqualTo("issued");
    assertThat(auditRows()).isEqualTo(audit);
  }

  @Test
  void forgedUndefineAndMoveLeaveTheVmOnItsHost() {
    long before = ignored.total();
    events.sendAs(FORGER, lifecycle(FORGER, "UNDEFINED/REMOVED", false));
    events.sendAs(FORGER, lifecycle(FORGER, "STARTED/MIGRATED", true));
    events.sendAs(FORGER, lifecycle(owner.hostId(), "UNDEFINED/REMOVED", false));

    awaitIgnored(before + 3);
    JsonPath vm = given().get("/api/v1/vms/" + VM).then().statusCode(200).extract().jsonPath();
    assertThat(vm.getString("hostId")).isEqualTo(owner.hostId());
    assertThat(vm.getString("state")).isEqualTo("running");
  }

  @Test
  void forgedGoodbyeLeavesTheOwnerOnline() {
    long before = ignored.count(IgnoredEvents.Reason.HOST_ID_NOT_THE_TOPICS);
    events.sendAs(
        FORGER,
        HostEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setHostId(owner.hostId())
            .setKind(HostEventKind.HOST_EVENT_KIND_GOODBYE)
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .build());

    await()
        .atMost(EngineApi.EVENT_WAIT)
        .until(() -> ignored.count(IgnoredEvents.Reason.HOST_ID_NOT_THE_TOPICS) > before);
    assertThat(given().get("/api/v1/vms/" + VM).jsonPath().getBoolean("hostOnline")).isTrue();
  }

  @Test
  void forgedGuestStateLeavesTheGuestAlone() {
    long before = ignored.total();
    events.sendAs(
        FORGER,
        GuestEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(VM.toString())
            .setHostId(FORGER)
            .setKind(GuestEventKind.GUEST_EVENT_KIND_STATE)
            .setOccurredAtEpochMs(System.currentTimeMillis())
            .setState(
                GuestState.newBuilder()
                    .setVmUuid(VM.toString())
                    .setChannel(true)
                    .setConnected(true)
                    .setResponsive(true)
                    .setSession(GuestSession.GUEST_SESSION_UNLOCKED)
                    .setAgentVersion("forged"))
            .build());

    awaitIgnored(before + 1);
    JsonPath vm = given().get("/api/v1/vms/" + VM).jsonPath();
    assertThat(vm.getString("guest.agentVersion")).isNotEqualTo("forged");
  }

  @Test
  void liveMigrationMovesTheVmOnlyOnceBothAgentsAgree() throws Exception {
    UUID migrating = UUID.randomUUID();
    events.send(lifecycle(migrating, owner.hostId(), "STARTED/BOOTED"));
    EngineApi.awaitVm(migrating);
    try (FakeHostAgent destination = FakeHostAgent.start(Path.of(pkiDir))) {
      destination.setDomains(List.of(domain(migrating, DomainState.DOMAIN_STATE_RUNNING)));
      owner.setDomains(
          List.of(
              domain(VM, DomainState.DOMAIN_STATE_RUNNING),
              domain(migrating, DomainState.DOMAIN_STATE_SHUTOFF)));

      // A ticket issued on the old host, unused: the move ends it. Alice's console there is
      // connected: the move ends it too, and the destination is told to wait for her.
      new Acls().grantUser(OWNER, migrating, "console.connect");
      UUID unused = session(migrating);
      UUID held = session(migrating);
      owner.setLiveConsoles(List.of(AgentMessages.liveConsole(held, migrating)));
      transactions.inTransaction(c -> sessions.markConnected(c, held, Instant.now()));
      // The source pauses it for the last copy: no tickets until it has moved.
      events.send(lifecycle(migrating, owner.hostId(), "SUSPENDED/MIGRATED"));
      EngineApi.awaitVmField(migrating, "state", "migrating");

      events.send(lifecycle(migrating, destination.hostId(), "RESUMED/MIGRATED"));

      await()
          .atMost(EngineApi.EVENT_WAIT)
          .until(
              () ->
                  destination
                      .hostId()
                      .equals(
                          given().get("/api/v1/vms/" + migrating).jsonPath().getString("hostId")));
      EngineApi.awaitVmField(migrating, "state", "running");
      JsonPath moved = given().get("/api/v1/audit?vm=" + migrating + "&limit=10").jsonPath();
      assertThat(moved.getList("findAll { it.kind == 'vm.moved' }.detail.toHost"))
          .containsExactly(destination.hostId());
      assertThat(moved.getList("findAll { it.kind == 'vm.moved' }.detail.fromHost"))
          .containsExactly(owner.hostId());
      for (UUID ended : List.of(unused, held)) {
        EngineApi.awaitSessionState(ended, "closed");
        assertThat(transactions.read(c -> sessions.find(c, ended)).orElseThrow().closeReason())
            .isEqualTo("migrated");
      }
      await().atMost(EngineApi.EVENT_WAIT).until(() -> !destination.policies().isEmpty());
      assertThat(destination.policies().get(0).getReturningUser()).isEqualTo(OWNER);
      assertThat(destination.policies().get(0).getReturnWaitMs())
          .isEqualTo(ConsolePolicyService.MIGRATION_RETURN_MS);
    }
  }

  /**
   * A migration's destination agent that does not answer at once (just up, or the engine's channel
   * to its address still in gRPC's reconnect backoff from an agent that was there before) is asked
   * again, and the VM moves once it answers. Found as a flaky run of the test above.
   */
  @Test
  void aMigrationDestinationThatAnswersOnlyLaterStillGetsTheVm() throws Exception {
    UUID migrating = UUID.randomUUID();
    events.send(lifecycle(migrating, owner.hostId(), "STARTED/BOOTED"));
    EngineApi.awaitVm(migrating);
    int port = Ports.free();
    String destinationId = "127.0.0.1:" + port;
    owner.setDomains(
        List.of(
            domain(VM, DomainState.DOMAIN_STATE_RUNNING),
            domain(migrating, DomainState.DOMAIN_STATE_SHUTOFF)));

    long unanswered = moves.unanswered();
    events.send(lifecycle(migrating, destinationId, "RESUMED/MIGRATED"));
    await().atMost(EngineApi.EVENT_WAIT).until(() -> moves.unanswered() > unanswered);

    try (FakeHostAgent destination = FakeHostAgent.start(Path.of(pkiDir), port)) {
      destination.setDomains(List.of(domain(migrating, DomainState.DOMAIN_STATE_RUNNING)));
      await()
          .atMost(EngineApi.EVENT_WAIT)
          .until(
              () ->
                  destinationId.equals(
                      given().get("/api/v1/vms/" + migrating).jsonPath().getString("hostId")));
    }
  }

  @Test
  void theOwnersOwnEventsStillApply() {
    UUID session = session();
    events.graphics(VM, owner.hostId(), session, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(session, "connected");
    events.graphics(VM, owner.hostId(), session, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
    EngineApi.awaitSessionState(session, "closed");
  }

  private void awaitIgnored(long atLeast) {
    await().atMost(EngineApi.EVENT_WAIT).until(() -> ignored.total() >= atLeast);
  }

  private static GraphicsEvent graphics(UUID session, String hostId, GraphicsPhase phase) {
    return GraphicsEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setVmUuid(VM.toString())
        .setHostId(hostId)
        .setSessionId(session.toString())
        .setPhase(phase)
        .setOccurredAtEpochMs(System.currentTimeMillis())
        .setAuthScheme("vnc")
        .build();
  }

  private static LifecycleEvent lifecycle(String hostId, String detail, boolean withDomain) {
    LifecycleEvent.Builder b =
        LifecycleEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setVmUuid(VM.toString())
            .setHostId(hostId)
            .setName("stolen")
            .setDetail(detail)
            .setState(DomainState.DOMAIN_STATE_RUNNING)
            .setOccurredAtEpochMs(System.currentTimeMillis());
    if (withDomain) {
      b.setDomain(
          AgentMessages.domain(VM.toString(), "stolen", DomainState.DOMAIN_STATE_RUNNING, true));
    }
    return b.build();
  }

  private static LifecycleEvent lifecycle(UUID vm, String hostId, String detail) {
    return LifecycleEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setVmUuid(vm.toString())
        .setHostId(hostId)
        .setName("migrating")
        .setDetail(detail)
        .setState(DomainState.DOMAIN_STATE_RUNNING)
        .setOccurredAtEpochMs(System.currentTimeMillis())
        .setDomain(domain(vm, DomainState.DOMAIN_STATE_RUNNING))
        .build();
  }

  private static org.porthole.api.hostagent.v1.Domain domain(UUID vm, DomainState state) {
    return AgentMessages.domain(vm.toString(), "migrating", state, true);
  }

  private UUID session() {
    return session(VM);
  }

  private UUID session(UUID vm) {
    UUID id = UUID.randomUUID();
    Instant now = Instant.now();
    try {
      transactions.inTransaction(
          connection -> {
            sessions.insert(
                connection,
                ConsoleSession.issued(
                    id, vm, owner.hostId(), OWNER, "vnc", now, now.plusSeconds(120)));
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("could not store a test session", e);
    }
    return id;
  }

  /**
   * Audit rows about this class's VM. Not the whole table: other classes' work is audited meanwhile
   * in the same engine (the direct-login flush every 10 s wrote one during this test on a loaded
   * machine).
   */
  private long auditRows() throws SQLException {
    return transactions.read(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement("SELECT count(*) FROM audit_events WHERE vm_uuid = ?")) {
            statement.setObject(1, VM);
            try (ResultSet rows = statement.executeQuery()) {
              rows.next();
              return rows.getLong(1);
            }
          }
        });
  }
}
