package org.porthole.bench.phase;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.client.ConnectProbe;
import org.porthole.bench.client.Route;
import org.porthole.bench.relay.RelayPath;

/**
 * New consoles per second: {@link PhasePlan#OPENERS} openers, each opening a console, waiting for
 * the RFB banner (so the relay's whole set-up is counted) and resetting it, then the next, until
 * the phase ends. The first {@link PhasePlan#connectWarmUp()} is not counted: the set-up and
 * tear-down code of the relays (and of the client) runs once per console and is compiled by the JIT
 * only after thousands of consoles, which a long-running relay has long done (a profile of a run
 * with 5 s of warm-up still showed a quarter of the agent's samples in the interpreter and its JIT
 * compiler threads busy). Failures are counted and capped so a broken path ends the phase early.
 */
public final class ConnectRatePhase {
  private static final long MAX_FAILURES = 1_000;
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration FIRST_CONSOLE_TIMEOUT = Duration.ofSeconds(20);

  /** Established and failed consoles, and the rate. */
  public record Outcome(long established, long failed, double perSecond) {}

  private ConnectRatePhase() {}

  public static Outcome run(ClientLoop loop, RelayPath path, PhasePlan plan)
      throws PhaseFailedException {
    Route route = path.route(BackendMode.SINK);
    firstConsole(loop, route);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    CountDownLatch openersDone = new CountDownLatch(PhasePlan.OPENERS);
    long countFrom = System.nanoTime() + plan.connectWarmUp().toNanos();
    long deadline = countFrom + plan.connectRate().toNanos();
    for (int i = 0; i < PhasePlan.OPENERS; i++) {
      new Opener(loop, route, countFrom, deadline, ok, failed, openersDone).next();
    }
    Waits.sleep(plan.connectWarmUp().plus(plan.connectRate()));
    long established = ok.get();
    double seconds = (System.nanoTime() - countFrom) / 1e9;
    Waits.await(openersDone, DRAIN_TIMEOUT);
    if (established == 0) {
      throw new PhaseFailedException("no console was established (" + failed.get() + " failed)");
    }
    return new Outcome(established, failed.get(), established / seconds);
  }

  /**
   * Opens one console and waits for it before the clock starts, so the rate is the steady one and
   * not the relay's one-time set-up (e.g. the proxy's first TLS channel to an agent).
   */
  private static void firstConsole(ClientLoop loop, Route route) throws PhaseFailedException {
    CountDownLatch done = new CountDownLatch(1);
    boolean[] established = new boolean[1];
    loop.open(
        route,
        new ConnectProbe(
            ok -> {
              established[0] = ok;
              done.countDown();
            }));
    if (!Waits.await(done, FIRST_CONSOLE_TIMEOUT) || !established[0]) {
      throw new PhaseFailedException(
          "the first console was not established within "
              + FIRST_CONSOLE_TIMEOUT.toSeconds()
              + " s");
    }
  }

  /** One opener's loop, driven by its probes' callbacks on the event loop. */
  private static final class Opener {
    private final ClientLoop loop;
    private final Route route;
    private final long countFrom;
    private final long deadline;
    private final AtomicLong ok;
    private final AtomicLong failed;
    private final CountDownLatch done;

    Opener(
        ClientLoop loop,
        Route route,
        long countFrom,
        long deadline,
        AtomicLong ok,
        AtomicLong failed,
        CountDownLatch done) {
      this.loop = loop;
      this.route = route;
      this.countFrom = countFrom;
      this.deadline = deadline;
      this.ok = ok;
      this.failed = failed;
      this.done = done;
    }

    void next() {
      if (System.nanoTime() >= deadline || failed.get() >= MAX_FAILURES) {
        done.countDown();
        return;
      }
      loop.open(route, new ConnectProbe(this::finished));
    }

    private void finished(boolean established) {
      long now = System.nanoTime();
      if (now < deadline && (now >= countFrom || !established)) {
        (established ? ok : failed).incrementAndGet();
      }
      next();
    }
  }
}
