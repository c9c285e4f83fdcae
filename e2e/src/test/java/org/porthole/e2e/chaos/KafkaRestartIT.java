package org.porthole.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.porthole.e2e.SharedStack;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/**
 * The Kafka broker dies (SIGKILL) at a random point of an open console and comes back on the same
 * port and log: the open console keeps working, a console opened and closed while it is down works
 * too, and the graphics events and audit rows of both arrive late but all of them, each applied
 * once (the engine's consumer group catches up to the end of every partition).
 */
class KafkaRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration PICTURE_WAIT = Duration.ofSeconds(10);

  private final LocalStack stack = SharedStack.get();
  private final KafkaBroker kafka = stack.kafka();
  private final EngineRows rows = new EngineRows(stack.postgres());
  private final String vm = stack.demoVmUuid();
  private final EngineClient admin =
      EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
  private final EngineClient alice =
      EngineClient.as(stack.options().engineUrl(), "alice", stack::token);

  @Test
  void consolesKeepWorkingAndEveryEventAndAuditRowArrivesOnceAfterTheBrokerReturns()
      throws Exception {
    Instant begin = Instant.now().minusSeconds(1);
    try (EventLog events = new EventLog(kafka);
        OpenConsole held = OpenConsole.open(stack, alice, vm, "interactive")) {
      OpenConsole.awaitState(admin, held.sessionId(), "connected", WAIT);
      events.awaitEngineCaughtUp(WAIT);
      long endsBefore = sum(events.ends(events.engineCommitted().keySet()).values());
      int pictures = ThreadLocalRandom.current().nextInt(1, 6);
      for (int i = 0; i < pictures; i++) {
        held.assertShowsPicture(PICTURE_WAIT);
      }

      kafka.kill();
      Instant killed = Instant.now();
      String whileDown;
      try {
        whileDown = openAndCloseAnotherBeside(held);
      } finally {
        kafka.startAgain();
      }
      Instant restarted = Instant.now();
      OpenConsole.awaitState(admin, whileDown, "closed", WAIT);
      Duration closedAfter = Duration.between(restarted, Instant.now());
      Duration caughtUp = events.awaitEngineCaughtUp(WAIT);
      System.out.printf(
          "chaos-kafka: killed after %d pictures, down %d ms; the console opened while down"
              + " closed in the engine %d ms after the restart, the consumer caught up %d ms later%n",
          pictures,
          Duration.between(killed, restarted).toMillis(),
          closedAfter.toMillis(),
          caughtUp.toMillis());
      held.assertShowsPicture(PICTURE_WAIT);
      assertThat(admin.sessionState(held.sessionId())).isEqualTo("connected");

      held.link().closeNormally();
      OpenConsole.awaitState(admin, held.sessionId(), "closed", WAIT);
      events.awaitEngineCaughtUp(WAIT);
      long written = sum(events.ends(events.engineCommitted().keySet()).values()) - endsBefore;
      assertThat(written)
          .as(
              "events from the kill on: at least the second console's connect, initialize and"
                  + " disconnect and the held one's disconnect")
          .isGreaterThanOrEqualTo(4);
      assertEachAppliedOnce(List.of(held.sessionId(), whileDown));
      assertEveryAuditRowOnKafka(events, begin);
    }
  }

  /**
   * With the broker down: the held console still works, and another opens, works and closes;
   * returns the other's session.
   */
  private String openAndCloseAnotherBeside(OpenConsole held) throws Exception {
    held.assertShowsPicture(PICTURE_WAIT);
    String session;
    try (OpenConsole other = OpenConsole.open(stack, admin, vm, "view")) {
      other.assertShowsPicture(PICTURE_WAIT);
      session = other.sessionId();
    }
    held.assertShowsPicture(PICTURE_WAIT);
    return session;
  }

  private void assertEachAppliedOnce(List<String> sessions) throws Exception {
    for (String session : sessions) {
      // The disconnect is its host's last event for the session: the others were applied before.
      assertThat(rows.awaitAudited(session, "console.disconnected", WAIT))
          .as("disconnected rows of %s", session)
          .isEqualTo(1);
      assertThat(rows.audited(session, "console.ticket-issued")).isEqualTo(1);
      assertThat(rows.audited(session, "console.connected"))
          .as("connected rows of %s", session)
          .isEqualTo(1);
    }
  }

  private void assertEveryAuditRowOnKafka(EventLog events, Instant since) throws Exception {
    awaitAllPublished(rows, since);
    List<Long> written = rows.auditIdsSince(since);
    Set<Long> onKafka = events.auditIds();
    assertThat(onKafka).as("audit rows on the audit topic").containsAll(written);
    System.out.printf(
        "chaos-kafka: %d audit rows since the test began, all on the audit topic%n",
        written.size());
  }

  private static void awaitAllPublished(EngineRows rows, Instant since) throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    int unpublished = rows.unpublishedSince(since);
    while (unpublished > 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      unpublished = rows.unpublishedSince(since);
    }
    assertThat(unpublished).as("audit rows the outbox has not published").isZero();
  }

  private static long sum(Collection<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }
}
