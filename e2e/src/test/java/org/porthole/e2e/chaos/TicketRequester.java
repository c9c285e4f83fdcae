package org.porthole.e2e.chaos;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * A user asking for view tickets of one VM again and again on a thread of its own, as a busy page
 * would, each answer timed. Each ticket it gets is used at once (the console opens, authenticates
 * and closes), so issued tickets never pile up against the per-user console limit.
 */
final class TicketRequester implements AutoCloseable {
  /** Between two requests: a steady trickle, not a flood. */
  private static final Duration PACE = Duration.ofMillis(200);

  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * One request and its answer ({@code status} -1 when no answer came: {@code body} says why).
   *
   * @param sessionId the ticket's session when it was issued, else null
   */
  record Answer(Instant sent, Duration took, int status, String body, String sessionId) {
    boolean issued() {
      return status == 201;
    }

    Instant answered() {
      return sent.plus(took);
    }
  }

  private final LocalStack stack;
  private final EngineClient user;
  private final String vm;
  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final List<String> consoleFailures = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  private TicketRequester(LocalStack stack, EngineClient user, String vm) {
    this.stack = stack;
    this.user = user;
    this.vm = vm;
    this.thread = new Thread(this::run, "chaos-ticket-requester");
    thread.setDaemon(true);
  }

  /** Starts asking for tickets of {@code vm} as {@code user}. */
  static TicketRequester start(LocalStack stack, EngineClient user, String vm) {
    TicketRequester requester = new TicketRequester(stack, user, vm);
    requester.thread.start();
    return requester;
  }

  /** Every answer so far, in the order sent. */
  List<Answer> answers() {
    return List.copyOf(answers);
  }

  /** Tickets that were issued but whose console did not open and authenticate, and why. */
  List<String> consoleFailures() {
    return List.copyOf(consoleFailures);
  }

  /**
   * Waits until {@code count} answers sent at or after {@code since} match {@code which}; returns
   * them.
   */
  List<Answer> await(int count, Instant since, Predicate<Answer> which, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    List<Answer> seen = matching(since, which);
    while (seen.size() < count && Instant.now().isBefore(deadline)) {
      Thread.sleep(POLL.toMillis());
      seen = matching(since, which);
    }
    if (seen.size() < count) {
      throw new AssertionError(
          "only "
              + seen.size()
              + " of "
              + count
              + " expected answers within "
              + timeout
              + "; the last ones: "
              + tail());
    }
    return seen;
  }

  private List<Answer> matching(Instant since, Predicate<Answer> which) {
    return answers.stream().filter(a -> !a.sent().isBefore(since)).filter(which).toList();
  }

  private List<Answer> tail() {
    List<Answer> all = answers();
    return all.subList(Math.max(0, all.size() - 5), all.size());
  }

  private void run() {
    while (running) {
      Answer answer = request();
      answers.add(answer);
      if (answer.issued()) {
        use(answer);
      }
      try {
        Thread.sleep(PACE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Answer request() {
    Instant sent = Instant.now();
    try {
      EngineClient.Answer a = user.requestConsole(vm, "view", false);
      Duration took = Duration.between(sent, Instant.now());
      String session = a.status() == 201 ? EngineClient.ticketOf(a).sessionId() : null;
      return new Answer(sent, took, a.status(), a.body(), session);
    } catch (IOException e) {
      return new Answer(sent, Duration.between(sent, Instant.now()), -1, e.toString(), null);
    }
  }

  private void use(Answer issued) {
    try {
      EngineClient.Ticket ticket =
          EngineClient.ticketOf(new EngineClient.Answer(201, issued.body()));
      try (WsClient link = OpenConsole.link(stack, ticket)) {
        if (!RfbClient.throughPorthole(link).authenticated()) {
          consoleFailures.add(issued.sessionId() + ": refused after security None");
        }
      }
    } catch (IOException | RuntimeException e) {
      consoleFailures.add(issued.sessionId() + ": " + e);
    }
  }

  @Override
  public void close() {
    // No interrupt: it would break a console being opened, and the pace is short.
    running = false;
    try {
      thread.join(Duration.ofSeconds(60).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
