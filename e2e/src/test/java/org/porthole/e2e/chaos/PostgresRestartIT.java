package org.porthole.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.porthole.e2e.SharedStack;
import org.porthole.e2e.chaos.TicketRequester.Answer;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.stack.postgres.Postgres;
import org.porthole.testsupport.engine.EngineClient;

/**
 * The engine's PostgreSQL dies (SIGKILL, server and backends) at a random point while two consoles
 * are open and tickets are being asked for, and comes back on the same port and data: tickets are
 * refused at once with 503 while it is down, the open consoles keep working, tickets are issued
 * again once it is back, and no ticket is half-written or lost from the audit.
 */
class PostgresRestartIT {
  /**
   * The longest a refused ticket request may take while the database is down. The pool (Agroal)
   * tries a refused connection a second time about a second after the first: about 2 s here.
   */
  private static final Duration FAIL_FAST = Duration.ofSeconds(3);

  private static final int CONSOLES = 2;
  private static final int ANSWERS_WHILE_DOWN = 8;
  private static final int TICKETS_AFTER_RECOVERY = 5;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration PICTURE_WAIT = Duration.ofSeconds(10);

  private final LocalStack stack = SharedStack.get();
  private final Postgres postgres = stack.postgres();
  private final EngineRows rows = new EngineRows(postgres);
  private final String vm = stack.demoVmUuid();
  private final EngineClient admin =
      EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
  private final EngineClient alice =
      EngineClient.as(stack.options().engineUrl(), "alice", stack::token);

  /** When the server was killed, when its start began, when it served again. */
  private record Outage(Instant killed, Instant restarting, Instant restarted) {
    boolean within(Answer a) {
      return !a.sent().isBefore(killed) && a.answered().isBefore(restarting);
    }
  }

  @Test
  void ticketsFailFastWith503WhileItIsDownConsolesStayOpenAndNoTicketOrAuditRowIsLost()
      throws Exception {
    Instant begin = Instant.now().minusSeconds(1);
    List<OpenConsole> consoles = new ArrayList<>();
    List<String> statesAfter = new ArrayList<>();
    Outage outage;
    List<Answer> answers;
    try {
      for (int i = 0; i < CONSOLES; i++) {
        consoles.add(OpenConsole.open(stack, alice, vm, "interactive"));
      }
      for (OpenConsole c : consoles) {
        OpenConsole.awaitState(admin, c.sessionId(), "connected", WAIT);
      }
      try (TicketRequester requester = TicketRequester.start(stack, admin, vm)) {
        outage = killAndRestartWhileAsked(requester, begin, consoles);
        answers = requester.answers();
        assertThat(requester.consoleFailures()).as("issued tickets whose console failed").isEmpty();
      }
      for (OpenConsole c : consoles) {
        c.assertShowsPicture(PICTURE_WAIT);
        statesAfter.add(admin.sessionState(c.sessionId()));
      }
    } finally {
      consoles.forEach(OpenConsole::close);
      if (!postgres.isAlive()) {
        postgres.startAgain();
      }
    }
    assertRefusedFastWhileDown(answers, outage);
    assertThat(statesAfter)
        .as("the open consoles' sessions after the restart")
        .containsOnly("connected");
    assertNothingLostOrHalfWritten(answers, begin);
  }

  /**
   * Kills PostgreSQL after a random number of tickets, checks the consoles while it is down and
   * starts it again once the requester saw enough refusals; returns when tickets flow again.
   */
  private Outage killAndRestartWhileAsked(
      TicketRequester requester, Instant begin, List<OpenConsole> consoles) throws Exception {
    int before = ThreadLocalRandom.current().nextInt(1, 6);
    requester.await(before, begin, Answer::issued, WAIT);
    postgres.kill();
    Instant killed = Instant.now();
    requester.await(ANSWERS_WHILE_DOWN, killed, a -> true, WAIT);
    for (OpenConsole c : consoles) {
      c.assertShowsPicture(PICTURE_WAIT);
    }
    Instant restarting = Instant.now();
    postgres.startAgain();
    Instant restarted = Instant.now();
    Answer first = requester.await(1, restarted, Answer::issued, WAIT).get(0);
    requester.await(TICKETS_AFTER_RECOVERY + 1, restarted, Answer::issued, WAIT);
    System.out.printf(
        "chaos-postgres: killed after %d tickets, down %d ms, its start took %d ms,"
            + " first ticket answered %d ms after it%n",
        before,
        Duration.between(killed, restarting).toMillis(),
        Duration.between(restarting, restarted).toMillis(),
        Duration.between(restarted, first.answered()).toMillis());
    return new Outage(killed, restarting, restarted);
  }

  private void assertRefusedFastWhileDown(List<Answer> answers, Outage outage) {
    List<Answer> whileDown = answers.stream().filter(outage::within).toList();
    System.out.printf(
        "chaos-postgres: %d answers, %d while down, slowest refusal %d ms%n",
        answers.size(),
        whileDown.size(),
        whileDown.stream().mapToLong(a -> a.took().toMillis()).max().orElse(-1));
    assertThat(whileDown).as("answers while PostgreSQL was down").isNotEmpty();
    assertThat(whileDown)
        .allSatisfy(
            a -> {
              assertThat(a.status()).as(a.body()).isEqualTo(503);
              assertThat(a.took()).as("a refusal's time").isLessThan(FAIL_FAST);
              assertThat(a.body())
                  .contains("\"UPSTREAM_UNAVAILABLE\"", "database unavailable")
                  .doesNotContain("Exception", "\tat ", "org.postgresql", postgres.password());
            });
    assertThat(answers)
        .as("every answer is a ticket, a refusal while down, or the per-user limit")
        .allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(201, 503, 429));
    Instant recovered =
        answers.stream()
            .filter(a -> a.issued() && a.sent().isAfter(outage.restarted()))
            .findFirst()
            .orElseThrow()
            .sent();
    assertThat(answers.stream().filter(a -> a.sent().isAfter(recovered)))
        .as("answers after the first ticket once PostgreSQL was back")
        .allSatisfy(a -> assertThat(a.status()).as(a.body()).isIn(201, 429));
  }

  private void assertNothingLostOrHalfWritten(List<Answer> answers, Instant begin)
      throws Exception {
    List<String> issued = answers.stream().filter(Answer::issued).map(Answer::sessionId).toList();
    // Each ticket's console opened and closed at once; those just before the kill had their
    // graphics events applied only after the restart, maybe after the reconciler closed them.
    for (String session : issued) {
      OpenConsole.awaitState(admin, session, "closed", WAIT);
      assertThat(rows.awaitAudited(session, "console.disconnected", WAIT))
          .as("closed rows of %s", session)
          .isEqualTo(1);
      assertThat(rows.audited(session, "console.ticket-issued")).as("ticket rows").isEqualTo(1);
      assertThat(rows.audited(session, "console.connected")).as("connected rows").isEqualTo(1);
    }
    assertThat(rows.halfWrittenSince(begin)).as("half-written tickets").isEmpty();
    int sessions = rows.sessionsSince(begin);
    assertThat(rows.ticketsAuditedSince(begin))
        .as("ticket-issued audit rows against sessions written")
        .isEqualTo(sessions);
    // A ticket whose commit PostgreSQL took just before it died was stored but answered 503.
    assertThat(sessions)
        .as(
            "sessions written: %d tickets answered, %d consoles, at most one in flight",
            issued.size(), CONSOLES)
        .isBetween(issued.size() + CONSOLES, issued.size() + CONSOLES + 1);
    System.out.printf(
        "chaos-postgres: %d tickets issued, %d sessions and as many ticket audit rows written%n",
        issued.size(), sessions);
  }
}
