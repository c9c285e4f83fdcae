package org.porthole.bench.phase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.client.IdleHolder;
import org.porthole.bench.client.TrickleClient;
import org.porthole.bench.measure.Footprint;
import org.porthole.bench.measure.ProcStats;
import org.porthole.bench.relay.RelayPath;

/**
 * A long hold: the plan's consoles opened through the relay (at most 64 opening at once), held
 * while the proxy pings them and a share of them sends a pointer event every second through the
 * echo backend, then all closed. The relay's footprint (PSS, threads, descriptors, heap after a
 * full GC) is read before opening, at the end of the hold and after the close, once the relay has
 * let go of the closed consoles' descriptors (a condition waited for, at most a minute).
 */
public final class SoakPhase {
  private static final int IN_FLIGHT = 64;
  private static final Duration ECHO_WAIT = Duration.ofSeconds(15);
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(250);

  /**
   * What a relay keeps of closed consoles by design, for a while: each used token's id until the
   * token expires (60 s for the benchmark's), each relay's binding for a minute after it ended (its
   * DISCONNECT may still come). The heap is read again until that has passed.
   */
  private static final Duration RETENTION = Duration.ofSeconds(150);

  private static final Duration RETENTION_POLL = Duration.ofSeconds(10);

  /** Heap after a full GC a relay may keep past its baseline once the retention has passed. */
  public static final long HEAP_SLACK_KIB = 4 * 1024;

  /** Descriptors a relay may keep past its baseline after the close (pools, epoll, timers). */
  public static final int DESCRIPTOR_SLACK = 16;

  /** One look at the hold. */
  public record Sample(long secondsIntoHold, int open, double relayCpuSeconds, long pssKiB) {}

  /** What the soak saw. */
  public record Outcome(
      SoakPlan plan,
      int opened,
      int stayed,
      int trickling,
      long sentBytes,
      long echoedBytes,
      double holdCpuSeconds,
      double holdSeconds,
      Footprint baseline,
      Footprint held,
      Footprint after,
      List<Sample> samples) {

    /** PSS per held console: the held reading over the baseline. */
    public double pssKiBPerConsole() {
      return stayed == 0 ? 0 : (double) held.minus(baseline).pssKiB() / stayed;
    }

    /** Relay CPU during the hold, as a share of one core. */
    public double cpuShareOfOneCore() {
      return holdSeconds == 0 ? 0 : holdCpuSeconds / holdSeconds;
    }
  }

  /** The consoles of a run and their counters. */
  private static final class Held {
    final Connections connections = new Connections();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger idleDropped = new AtomicInteger();
    final TrickleClient.Totals trickle = new TrickleClient.Totals();
    int trickling;

    int open() {
      return opened.get() - idleDropped.get() - trickle.dropped();
    }
  }

  private SoakPhase() {}

  public static Outcome run(ClientLoop loop, RelayPath path, SoakPlan plan, Consumer<String> say) {
    warmUp(loop, path, plan, say);
    path.settleMemory();
    Footprint baseline = Footprint.read(path.relayProcesses());
    say.accept("soak: relay before opening: " + baseline);
    Held held = new Held();
    Footprint atEnd;
    List<Sample> samples;
    double cpu;
    int stayed;
    double holdSeconds;
    try {
      long start = System.nanoTime();
      open(loop, path, plan, held);
      say.accept(
          String.format(
              "soak: %,d of %,d consoles open (%d trickling) after %.1f s",
              held.open(), plan.consoles(), held.trickling, (System.nanoTime() - start) / 1e9));
      double cpuBefore = ProcStats.cpuSeconds(path.relayProcesses());
      long startedHold = System.nanoTime();
      samples = hold(path, plan, held, say);
      stayed = held.open();
      cpu = ProcStats.cpuSeconds(path.relayProcesses()) - cpuBefore;
      holdSeconds = (System.nanoTime() - startedHold) / 1e9;
      held.trickle.stopSending();
      awaitEchoes(held.trickle);
      path.settleMemory();
      atEnd = Footprint.read(path.relayProcesses());
      say.accept("soak: relay at the end of the hold: " + atEnd);
    } finally {
      held.connections.closeAll();
    }
    Footprint after = awaitRelease(path, baseline, say);
    say.accept("soak: relay after closing all: " + after);
    return new Outcome(
        plan,
        held.opened.get(),
        stayed,
        held.trickling,
        held.trickle.sentBytes(),
        held.trickle.echoedBytes(),
        cpu,
        holdSeconds,
        baseline,
        atEnd,
        after,
        samples);
  }

  /**
   * Opens and closes the plan's consoles once before the baseline, so that what a relay grows once
   * and keeps by design (thread pools up to their size, buffer pools, JIT code, caches filled at a
   * first use) is in the baseline: what the soak then leaves behind is what it leaked.
   */
  private static void warmUp(ClientLoop loop, RelayPath path, SoakPlan plan, Consumer<String> say) {
    int before = ProcStats.descriptors(path.relayProcesses());
    Held warm = new Held();
    try {
      open(loop, path, plan, warm);
    } finally {
      warm.connections.closeAll();
    }
    say.accept(String.format("soak: warm-up opened and closed %,d consoles", warm.opened.get()));
    awaitDescriptors(path, before + DESCRIPTOR_SLACK);
  }

  private static void open(ClientLoop loop, RelayPath path, SoakPlan plan, Held held) {
    CountDownLatch settled = new CountDownLatch(plan.consoles());
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    IdleHolder.Outcome outcome =
        ok -> {
          if (ok) {
            held.opened.incrementAndGet();
          }
          inFlight.release();
          settled.countDown();
        };
    long deadline = System.nanoTime() + IdlePhase.openTimeout(plan.consoles()).toNanos();
    for (int i = 0; i < plan.consoles() && System.nanoTime() < deadline; i++) {
      if (!IdlePhase.acquire(inFlight, deadline)) {
        break;
      }
      if (plan.trickles(i)) {
        held.trickling++;
        held.connections.add(
            loop.open(
                path.route(BackendMode.ECHO),
                new TrickleClient(plan.trickleEvery().toNanos(), outcome, held.trickle)));
      } else {
        held.connections.add(
            loop.open(path.route(BackendMode.SINK), new IdleHolder(outcome, held.idleDropped)));
      }
    }
    Waits.await(settled, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  private static List<Sample> hold(RelayPath path, SoakPlan plan, Held held, Consumer<String> say) {
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + plan.hold().toNanos();
    double cpuStart = ProcStats.cpuSeconds(path.relayProcesses());
    long next = start + plan.sampleEvery().toNanos();
    while (System.nanoTime() < end) {
      long wait = Math.min(next, end) - System.nanoTime();
      if (wait > 0) {
        Waits.sleep(Duration.ofNanos(wait));
      }
      path.checkAlive();
      long now = System.nanoTime();
      Sample s =
          new Sample(
              (now - start) / 1_000_000_000L,
              held.open(),
              ProcStats.cpuSeconds(path.relayProcesses()) - cpuStart,
              ProcStats.pssKiB(path.relayProcesses()));
      samples.add(s);
      say.accept(
          String.format(
              "soak: %d s: %,d open, relay CPU %.1f s, PSS %,d KiB",
              s.secondsIntoHold(), s.open(), s.relayCpuSeconds(), s.pssKiB()));
      next += plan.sampleEvery().toNanos();
    }
    return samples;
  }

  /** Every byte sent came back (the last ticks' echoes may still be on their way). */
  private static void awaitEchoes(TrickleClient.Totals trickle) {
    long deadline = System.nanoTime() + ECHO_WAIT.toNanos();
    while (trickle.echoedBytes() < trickle.sentBytes() && System.nanoTime() < deadline) {
      Waits.sleep(POLL);
    }
  }

  /**
   * The footprint after the close, once the relay holds no more descriptors than before opening
   * (plus {@link #DESCRIPTOR_SLACK}) or a minute has passed.
   */
  private static Footprint awaitRelease(RelayPath path, Footprint baseline, Consumer<String> say) {
    awaitDescriptors(path, baseline.descriptors() + DESCRIPTOR_SLACK);
    long start = System.nanoTime();
    long deadline = start + RETENTION.toNanos();
    path.settleMemory();
    Footprint after = Footprint.read(path.relayProcesses());
    while (after.heapKiB() > baseline.heapKiB() + HEAP_SLACK_KIB && System.nanoTime() < deadline) {
      Waits.sleep(RETENTION_POLL);
      path.settleMemory();
      after = Footprint.read(path.relayProcesses());
    }
    say.accept(
        String.format(
            "soak: heap after a full GC %,d KiB, %.0f s after the close",
            after.heapKiB(), (System.nanoTime() - start) / 1e9));
    return after;
  }

  /** Until the relay holds at most {@code most} descriptors, or a minute has passed. */
  private static void awaitDescriptors(RelayPath path, int most) {
    long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
    while (ProcStats.descriptors(path.relayProcesses()) > most && System.nanoTime() < deadline) {
      Waits.sleep(POLL);
    }
  }
}
