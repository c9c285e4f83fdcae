package org.porthole.engine.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.engine.it.EngineApi;
import org.porthole.engine.it.EventSender;
import org.porthole.engine.it.StackResource;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.FakeHostAgent;

/**
 * A session is never {@code connected} forever: when the host agent stops relaying it (its
 * DISCONNECT event was lost) or its host goes offline (the agent died or said goodbye), the engine
 * closes it within 30 s, audited; a relay the agent keeps for a session closed here is ended. Real
 * PostgreSQL and Kafka, stand-in agents with mutual TLS; reconciliation every 2 s (test config).
 */
@QuarkusTest
@WithTestResource(value = StackResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ReconciliationIT {

  /** The acceptance bound: closed within 30 s of the agent reporting or the host going offline. */
  private static final Duration BOUND = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(ReconciliationIT.class);
  private static EventSender events;

  @ConfigProperty(name = StackResource.PKI_DIR)
  String pkiDir;

  @AfterAll
  static void close() {
    if (events != null) {
      events.close();
    }
  }

  private EventSender events() {
    if (events == null) {
      events = new EventSender();
    }
    return events;
  }

  /** A stand-in agent with one running VM, learned by the engine. */
  private FakeHostAgent agentWithVm(UUID vm, String bootId) throws Exception {
    FakeHostAgent agent = FakeHostAgent.start(Path.of(pkiDir));
    agent.setDomains(
        List.of(
            AgentMessages.domain(
                vm.toString(), "reconciled", DomainState.DOMAIN_STATE_RUNNING, true)));
    events().heartbeat(agent.hostId(), bootId, 600);
    EngineApi.awaitVm(vm);
    return agent;
  }

  private UUID connectedSession(FakeHostAgent agent, UUID vm) {
    UUID session = UUID.fromString(EngineApi.openConsole(vm).getString("sessionId"));
    events().graphics(vm, agent.hostId(), session, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    EngineApi.awaitSessionState(session, "connected");
    return session;
  }

  private static Duration awaitClosed(UUID session, String reason) {
    long start = System.nanoTime();
    await("session " + session + " closed " + reason)
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "closed".equals(EngineApi.session(session).getString("state")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    JsonPath closed = EngineApi.session(session);
    assertThat(closed.getString("closeReason")).isEqualTo(reason);
    List<String> kinds = given().get("/api/v1/audit?session=" + session).jsonPath().getList("kind");
    assertThat(kinds).contains("console.reconciled");
    LOG.infof("session %s closed %s %d ms after the cause", session, reason, took.toMillis());
    return took;
  }

  @Test
  void sessionWhoseDisconnectWasLostIsClosedOnceItsAgentNoLongerRelaysIt() throws Exception {
    UUID vm = UUID.randomUUID();
    try (FakeHostAgent agent = agentWithVm(vm, UUID.randomUUID().toString())) {
      UUID session = connectedSession(agent, vm);
      agent.setLiveConsoles(List.of(AgentMessages.liveConsole(session, vm)));
      // Past the grace and asked twice more while the agent relays it: it stays connected.
      Instant judged =
          Instant.parse(EngineApi.session(session).getString("createdAt"))
              .plus(Reconciliation.GRACE);
      await().atMost(BOUND).until(() -> Instant.now().isAfter(judged));
      int calls = agent.listConsolesCalls();
      await().atMost(BOUND).until(() -> agent.listConsolesCalls() >= calls + 2);
      assertThat(EngineApi.session(session).getString("state")).isEqualTo("connected");

      agent.setLiveConsoles(List.of());
      assertThat(awaitClosed(session, Reconciliation.RELAY_GONE)).isLessThan(BOUND);
    }
  }

  /**
   * The agent prepares a console before the engine's transaction that issues it commits: a pass
   * that lists the console in between must not end it as the relay of an unknown session.
   */
  @Test
  void aConsoleBeingIssuedIsNotTakenForAStrayRelay() throws Exception {
    UUID vm = UUID.randomUUID();
    try (FakeHostAgent agent = agentWithVm(vm, UUID.randomUUID().toString())) {
      // The engine's transaction stays open while the agent answers: a pass lists the console then
      // and, without the VM lock, ends it at once as the relay of an unknown session.
      agent.beforePrepareAnswers(
          () -> {
            int seen = agent.listConsolesCalls();
            await().atMost(BOUND).until(() -> agent.listConsolesCalls() > seen);
            // Within the engine's 5 s PrepareConsole deadline: a pass lists every 2 s here.
            awaitOrNot(Duration.ofSeconds(1), () -> !endCallsFor(agent, vm).isEmpty());
          });
      String session;
      try {
        session = EngineApi.openConsole(vm).getString("sessionId");
      } finally {
        agent.beforePrepareAnswers(() -> {});
      }
      int calls = agent.listConsolesCalls();
      await().atMost(BOUND).until(() -> agent.listConsolesCalls() >= calls + 2);
      assertThat(endCallsFor(agent, vm)).as("EndConsoles calls for session %s", session).isEmpty();
    }
  }

  private static List<FakeHostAgent.EndCall> endCallsFor(FakeHostAgent agent, UUID vm) {
    return agent.endCalls().stream()
        .filter(c -> c.request().getVmUuid().equals(vm.toString()))
        .toList();
  }

  /** Waits until {@code done} holds or {@code limit} has passed, whichever is first. */
  private static void awaitOrNot(Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  @Test
  void sessionOfAnAgentThatDiedIsClosedOnceItsHostIsOffline() throws Exception {
    UUID vm = UUID.randomUUID();
    String boot = UUID.randomUUID().toString();
    FakeHostAgent agent = agentWithVm(vm, boot);
    UUID session = connectedSession(agent, vm);
    String hostId = agent.hostId();
    // Its last heartbeat promises 1 s more; then the agent dies without a goodbye.
    events().heartbeat(hostId, boot, 1);
    agent.close();
    EngineApi.awaitVmField(vm, "hostOnline", false);
    assertThat(awaitClosed(session, Reconciliation.HOST_OFFLINE)).isLessThan(BOUND);
  }

  @Test
  void sessionOfAHostThatSaidGoodbyeIsClosed() throws Exception {
    UUID vm = UUID.randomUUID();
    String boot = UUID.randomUUID().toString();
    try (FakeHostAgent agent = agentWithVm(vm, boot)) {
      UUID session = connectedSession(agent, vm);
      events().goodbye(agent.hostId(), boot);
      EngineApi.awaitVmField(vm, "hostOnline", false);
      assertThat(awaitClosed(session, Reconciliation.HOST_OFFLINE)).isLessThan(BOUND);
    }
  }

  @Test
  void relayThatOutlivedItsClosedSessionIsEndedOnTheAgent() throws Exception {
    UUID vm = UUID.randomUUID();
    try (FakeHostAgent agent = agentWithVm(vm, UUID.randomUUID().toString())) {
      UUID session = connectedSession(agent, vm);
      events().graphics(vm, agent.hostId(), session, GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
      EngineApi.awaitSessionState(session, "closed");
      agent.setLiveConsoles(List.of(AgentMessages.liveConsole(session, vm)));
      await("EndConsoles for the stray relay")
          .atMost(BOUND)
          .until(
              () ->
                  agent.endCalls().stream()
                      .anyMatch(c -> c.request().getSessionIdsList().contains(session.toString())));
    }
  }
}
