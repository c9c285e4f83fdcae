package org.porthole.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
 * Two engine replicas (the stack's engine and a copy of it on other ports: same PostgreSQL, Kafka
 * consumer group and Keycloak) issue tickets; the one reading the demo host's heartbeats dies
 * (SIGKILL) at a random point: the other keeps issuing; consoles opened with either replica's
 * tickets keep working and their sessions stay connected past a host's heartbeat timeout (the host
 * is not taken for offline while the dead replica's partitions wait for another member); every
 * event the dead replica would have applied is applied by the other; no ticket is half-written.
 * When the stack's engine was the one killed it is started again afterwards.
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
  private final Path firstLog = stack.options().logDir().resolve("engine.log");
  private final Path secondLog = stack.options().logDir().resolve("engine-replica.log");

  /** One replica's clients and how to kill it. */
  private record Replica(String name, EngineClient admin, EngineClient alice, Killer killer) {}

  @FunctionalInterface
  private interface Killer {
    void kill() throws Exception;
  }

  @Test
  void theOtherReplicaKeepsIssuingConsolesStayAndNothingIsHalfWritten() throws Exception {
    Instant begin = Instant.now().minusSeconds(1);
    int[] ports = Ports.distinct(2);
    StackProcess firstProcess = StackProcess.engine(stack.options().enginePort());
    Process second =
        firstProcess.startCopy(
            Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(ports[0]),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(ports[1])),
            ports[0],
            secondLog);
    Replica first = replica("the stack's engine", stack.options().engineUrl(), firstProcess::kill);
    Replica other =
        replica(
            "the copy", "http://127.0.0.1:" + ports[0], () -> second.destroyForcibly().waitFor());
    Replica victim;
    try {
      victim = heartbeatReader(first, other);
      Replica survivor = victim == first ? other : first;
      List<List<Answer>> answers = killWhileBusy(victim, survivor, first, other);
      if (victim == first) {
        firstProcess.startAgain(stack.options().logDir().resolve("engine-chaos-restarted.log"));
      }
      assertThat(answers.get(1))
          .as("the answers of %s, which lived", survivor.name())
          .allSatisfy(x -> assertThat(x.status()).as(x.body()).isIn(201, 429));
      assertNothingLostOrHalfWritten(answers, begin);
    } finally {
      StackProcess.stop(second);
    }
  }

  private Replica replica(String name, String url, Killer killer) {
    return new Replica(
        name,
        EngineClient.as(url, "admin", stack::token),
        EngineClient.as(url, "alice", stack::token),
        killer);
  }

  /**
   * The replica reading the partition the demo host's heartbeats go to, once the copy has its share
   * and exactly one of the two logs says it reads that partition.
   */
  private Replica heartbeatReader(Replica first, Replica other) throws Exception {
    String beats;
    try (EventLog kafka = new EventLog(stack.kafka())) {
      beats = kafka.heartbeatPartition(stack.options().agentHostId()).toString();
    }
    Instant deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      boolean firstReads = ReplicaPartitions.of(firstLog).contains(beats);
      boolean otherReads = ReplicaPartitions.of(secondLog).contains(beats);
      if (firstReads != otherReads) {
        System.out.printf(
            "chaos-engine: %s reads %s, the heartbeats' partition%n",
            firstReads ? first.name() : other.name(), beats);
        return firstReads ? first : other;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no one replica reads " + beats + " within " + WAIT);
  }

  /**
   * Opens a console with each replica's ticket, has both issue tickets, kills {@code victim} at a
   * random point, checks the consoles past a host's heartbeat timeout; returns the victim's answers
   * and the survivor's.
   */
  private List<List<Answer>> killWhileBusy(
      Replica victim, Replica survivor, Replica first, Replica other) throws Exception {
    Instant begin = Instant.now();
    try (OpenConsole a = OpenConsole.open(stack, first.alice(), vm, "interactive");
        OpenConsole b = OpenConsole.open(stack, other.admin(), vm, "view")) {
      for (OpenConsole c : List.of(a, b)) {
        OpenConsole.awaitState(survivor.admin(), c.sessionId(), "connected", WAIT);
      }
      List<List<Answer>> answers;
      try (TicketRequester onVictim = TicketRequester.start(stack, victim.admin(), vm);
          TicketRequester onSurvivor = TicketRequester.start(stack, survivor.admin(), vm)) {
        onVictim.await(ThreadLocalRandom.current().nextInt(1, 6), begin, Answer::issued, WAIT);
        victim.killer().kill();
        Instant killed = Instant.now();
        onSurvivor.await(TICKETS_AFTER_KILL, killed, Answer::issued, WAIT);
        while (Instant.now().isBefore(killed.plus(HELD_AFTER_KILL))) {
          a.assertShowsPicture(PICTURE_WAIT);
          b.assertShowsPicture(PICTURE_WAIT);
          onSurvivor.await(1, Instant.now(), any -> true, WAIT);
        }
        answers = List.of(onVictim.answers(), onSurvivor.answers());
        assertThat(onVictim.consoleFailures()).as("tickets whose console failed").isEmpty();
        assertThat(onSurvivor.consoleFailures()).as("tickets whose console failed").isEmpty();
      }
      for (OpenConsole c : List.of(a, b)) {
        assertThat(survivor.admin().sessionState(c.sessionId()))
            .as("session %s, %s after %s died", c.sessionId(), HELD_AFTER_KILL, victim.name())
            .isEqualTo("connected");
      }
      return answers;
    }
  }

  private void assertNothingLostOrHalfWritten(List<List<Answer>> answers, Instant begin)
      throws Exception {
    List<String> issued = new ArrayList<>();
    for (List<Answer> some : answers) {
      some.stream().filter(Answer::issued).map(Answer::sessionId).forEach(issued::add);
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
    // Two held consoles; the dead replica may have committed a ticket it never answered.
    assertThat(sessions)
        .as("sessions written: %d tickets answered and two held consoles", issued.size())
        .isBetween(issued.size() + 2, issued.size() + 3);
    System.out.printf(
        "chaos-engine: %d tickets from the replica killed, %d from the other, %d sessions%n",
        answers.get(0).stream().filter(Answer::issued).count(),
        answers.get(1).stream().filter(Answer::issued).count(),
        sessions);
  }
}
