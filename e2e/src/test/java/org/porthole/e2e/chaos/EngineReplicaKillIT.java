package org.porthole.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.porthole.e2e.SharedStack;
import org.porthole.e2e.StackProcess;
import org.porthole.e2e.chaos.TicketRequester.Answer;
import org.porthole.stack.host.Ports;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/**
 * A second engine replica (the stack's engine's command and environment on other ports, the same
 * PostgreSQL, Kafka consumer group and Keycloak) issues tickets beside the first and dies (SIGKILL)
 * at a random point: the first keeps issuing; consoles opened with either replica's tickets keep
 * working and their sessions stay connected past a host's heartbeat timeout (the host is not taken
 * for offline while the dead replica's partitions wait for another member); every event the dead
 * replica would have applied is applied by the other; no ticket is half-written.
 */
class EngineReplicaKillIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration PICTURE_WAIT = Duration.ofSeconds(10);
  private static final int TICKETS_AFTER_KILL = 5;

  /** Longer than a host's heartbeat timeout (15 s): a host wrongly silent is offline by then. */
  private static final Duration HELD_AFTER_KILL = Duration.ofSeconds(25);

  private final LocalStack stack = SharedStack.get();
  private final EngineRows rows = new EngineRows(stack.postgres());
  private final String vm = stack.demoVmUuid();
  private final EngineClient admin =
      EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
  private final EngineClient alice =
      EngineClient.as(stack.options().engineUrl(), "alice", stack::token);

  @Test
  void theOtherReplicaKeepsIssuingConsolesStayAndNothingIsHalfWritten() throws Exception {
    Instant begin = Instant.now().minusSeconds(1);
    int[] ports = Ports.distinct(2);
    Process second =
        StackProcess.engine(stack.options().enginePort())
            .startCopy(
                Map.of(
                    "QUARKUS_HTTP_PORT", Integer.toString(ports[0]),
                    "QUARKUS_MANAGEMENT_PORT", Integer.toString(ports[1])),
                ports[0],
                stack.options().logDir().resolve("engine-replica.log"));
    EngineClient adminOnSecond =
        EngineClient.as("http://127.0.0.1:" + ports[0], "admin", stack::token);
    List<Answer> onFirst;
    List<Answer> onSecond;
    List<String> held = new ArrayList<>();
    try (OpenConsole a = OpenConsole.open(stack, alice, vm, "interactive");
        OpenConsole b = OpenConsole.open(stack, adminOnSecond, vm, "view")) {
      for (OpenConsole c : List.of(a, b)) {
        held.add(c.sessionId());
        OpenConsole.awaitState(admin, c.sessionId(), "connected", WAIT);
      }
      try (TicketRequester first = TicketRequester.start(stack, admin, vm);
          TicketRequester other = TicketRequester.start(stack, adminOnSecond, vm)) {
        other.await(ThreadLocalRandom.current().nextInt(1, 6), begin, Answer::issued, WAIT);
        second.destroyForcibly().waitFor();
        Instant killed = Instant.now();
        first.await(TICKETS_AFTER_KILL, killed, Answer::issued, WAIT);
        while (Instant.now().isBefore(killed.plus(HELD_AFTER_KILL))) {
          a.assertShowsPicture(PICTURE_WAIT);
          b.assertShowsPicture(PICTURE_WAIT);
          first.await(1, Instant.now(), a2 -> true, WAIT);
        }
        onFirst = first.answers();
        onSecond = other.answers();
        assertThat(first.consoleFailures()).as("tickets whose console failed").isEmpty();
        assertThat(other.consoleFailures()).as("tickets whose console failed").isEmpty();
      }
      for (OpenConsole c : List.of(a, b)) {
        assertThat(admin.sessionState(c.sessionId()))
            .as("session %s, %s after the replica died", c.sessionId(), HELD_AFTER_KILL)
            .isEqualTo("connected");
      }
    } finally {
      second.destroyForcibly();
    }
    assertThat(onFirst)
        .as("the first replica's answers")
        .allSatisfy(x -> assertThat(x.status()).as(x.body()).isIn(201, 429));
    assertNothingLostOrHalfWritten(onFirst, onSecond, held, begin);
  }

  private void assertNothingLostOrHalfWritten(
      List<Answer> onFirst, List<Answer> onSecond, List<String> held, Instant begin)
      throws Exception {
    List<String> issued = new ArrayList<>();
    for (List<Answer> answers : List.of(onFirst, onSecond)) {
      answers.stream().filter(Answer::issued).map(Answer::sessionId).forEach(issued::add);
    }
    for (String session : issued) {
      assertThat(rows.awaitAudited(session, "console.disconnected", WAIT))
          .as("disconnected rows of %s", session)
          .isEqualTo(1);
      assertThat(rows.audited(session, "console.ticket-issued")).as("ticket rows").isEqualTo(1);
      assertThat(rows.audited(session, "console.connected")).as("connected rows").isEqualTo(1);
    }
    assertThat(rows.halfWrittenSince(begin)).as("half-written tickets").isEmpty();
    int sessions = rows.sessionsSince(begin);
    assertThat(rows.ticketsAuditedSince(begin))
        .as("ticket-issued audit rows against sessions written")
        .isEqualTo(sessions);
    // The dead replica may have committed a ticket it never answered.
    assertThat(sessions)
        .as("sessions written: %d tickets answered, %d held consoles", issued.size(), held.size())
        .isBetween(issued.size() + held.size(), issued.size() + held.size() + 1);
    System.out.printf(
        "chaos-engine: %d tickets from the first replica, %d from the second before it died,"
            + " %d sessions written%n",
        onFirst.stream().filter(Answer::issued).count(),
        onSecond.stream().filter(Answer::issued).count(),
        sessions);
  }
}
