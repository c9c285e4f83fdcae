package org.porthole.bench.phase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.client.IdleHolder;
import org.porthole.bench.client.Route;
import org.porthole.bench.measure.MemoryGuard;
import org.porthole.bench.measure.ProcStats;
import org.porthole.bench.relay.RelayPath;

/**
 * Idle consoles held: for each level, open that many consoles to the sink backend (at most 64
 * opening at once), hold them for the plan's hold time while the proxy pings, and count how many
 * opened and how many are still open at the end. The relay's PSS is read before opening and at the
 * end of the hold. Stops at the first level a path fails; closes everything before the next.
 */
public final class IdlePhase {
  private static final int IN_FLIGHT = 64;
  private static final int MEMORY_CHECK_EVERY = 50;
  private static final Duration SETTLE = Duration.ofSeconds(1);

  /**
   * One level's outcome. PSS is read before opening, at the end of the hold and after closing;
   * memory per connection is the held reading over the mean of the two others, so a steady drift of
   * the relay's memory (a heap that shrinks a step at every collection) cancels out.
   */
  public record Level(
      int attempted,
      int opened,
      int stayed,
      long pssBeforeKiB,
      long pssHeldKiB,
      long pssClosedKiB,
      boolean stoppedForMemory) {
    public boolean held() {
      return opened == attempted && stayed == attempted;
    }

    public double kibPerConnection() {
      return stayed == 0 ? 0 : (pssHeldKiB - (pssBeforeKiB + pssClosedKiB) / 2.0) / stayed;
    }
  }

  private IdlePhase() {}

  public static List<Level> run(ClientLoop loop, RelayPath path, PhasePlan plan) {
    List<Level> levels = new ArrayList<>();
    for (int level : plan.idleLevels()) {
      Level outcome = runLevel(loop, path, level, plan.idleHold());
      levels.add(outcome);
      if (!outcome.held()) {
        break;
      }
    }
    return levels;
  }

  private static Level runLevel(ClientLoop loop, RelayPath path, int count, Duration hold) {
    path.settleMemory();
    long before = ProcStats.pssKiB(path.relayProcesses());
    Route route = path.route(BackendMode.SINK);
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger dropped = new AtomicInteger();
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    Connections open = new Connections();
    long deadline = System.nanoTime() + openTimeout(count).toNanos();
    boolean memoryStop = false;
    int stayed;
    long held;
    try {
      for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
        if (i % MEMORY_CHECK_EVERY == 0 && !MemoryGuard.enoughMemory()) {
          memoryStop = true;
          break;
        }
        if (!acquire(inFlight, deadline)) {
          break;
        }
        open.add(
            loop.open(
                route,
                new IdleHolder(
                    ok -> {
                      if (ok) {
                        opened.incrementAndGet();
                      }
                      inFlight.release();
                    },
                    dropped)));
      }
      acquireAll(inFlight, deadline);
      Waits.sleep(hold);
      stayed = opened.get() - dropped.get();
      path.settleMemory();
      held = ProcStats.pssKiB(path.relayProcesses());
    } finally {
      open.closeAll();
      Waits.sleep(SETTLE);
    }
    path.settleMemory();
    long closed = ProcStats.pssKiB(path.relayProcesses());
    return new Level(count, opened.get(), stayed, before, held, closed, memoryStop);
  }

  /** 30 s plus 10 ms per console: a relay slower than 100 consoles/s has failed this level. */
  static Duration openTimeout(int count) {
    return Duration.ofSeconds(30).plusMillis(10L * count);
  }

  static boolean acquire(Semaphore s, long deadline) {
    try {
      return s.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark interrupted", e);
    }
  }

  private static void acquireAll(Semaphore s, long deadline) {
    try {
      if (s.tryAcquire(
          IN_FLIGHT, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        s.release(IN_FLIGHT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark interrupted", e);
    }
  }
}
