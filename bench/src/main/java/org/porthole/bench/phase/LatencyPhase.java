package org.porthole.bench.phase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.client.EchoTimer;
import org.porthole.bench.measure.LatencySummary;
import org.porthole.bench.relay.RelayPath;

/** 64-byte round trips through the echo backend, unpaced (closed loop) or paced per connection. */
public final class LatencyPhase {
  private static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(20);

  private LatencyPhase() {}

  /** Percentiles over every connection's round trips in the measuring window; rate 0 = unpaced. */
  public static LatencySummary run(
      ClientLoop loop, RelayPath path, int connections, int messagesPerSecond, PhasePlan plan)
      throws PhaseFailedException {
    long period = messagesPerSecond == 0 ? 0 : 1_000_000_000L / messagesPerSecond;
    CountDownLatch established = new CountDownLatch(connections);
    List<EchoTimer> timers = new ArrayList<>();
    List<Histogram> histograms = new ArrayList<>();
    Connections open = new Connections();
    try {
      for (int i = 0; i < connections; i++) {
        Histogram h = LatencySummary.newHistogram();
        EchoTimer timer = new EchoTimer(period, established, h);
        timers.add(timer);
        histograms.add(h);
        open.add(loop.open(path.route(BackendMode.ECHO), timer));
      }
      if (!Waits.await(established, ESTABLISH_TIMEOUT)) {
        throw new PhaseFailedException(
            established.getCount()
                + " of "
                + connections
                + " echo connections not established within "
                + ESTABLISH_TIMEOUT.toSeconds()
                + " s");
      }
      Waits.sleep(plan.warmUp());
      timers.forEach(EchoTimer::startRecording);
      Waits.sleep(plan.measure());
      timers.forEach(EchoTimer::stop);
    } finally {
      open.closeAll();
    }
    Histogram total = LatencySummary.newHistogram();
    histograms.forEach(total::add);
    if (total.getTotalCount() == 0) {
      throw new PhaseFailedException("no round trip completed in the measuring window");
    }
    return LatencySummary.of(total);
  }
}
