package org.porthole.bench.phase;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.BulkReader;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.relay.RelayPath;

/** Server→client throughput: N connections to the source backend, bytes counted after a warm-up. */
public final class BulkPhase {
  private static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(20);

  private BulkPhase() {}

  /** Megabytes (10^6 bytes) per second over the measuring window, summed over all connections. */
  public static double run(ClientLoop loop, RelayPath path, int connections, PhasePlan plan)
      throws PhaseFailedException {
    LongAdder bytes = new LongAdder();
    CountDownLatch established = new CountDownLatch(connections);
    Connections open = new Connections();
    try {
      for (int i = 0; i < connections; i++) {
        open.add(loop.open(path.route(BackendMode.SOURCE), new BulkReader(bytes, established)));
      }
      if (!Waits.await(established, ESTABLISH_TIMEOUT)) {
        throw new PhaseFailedException(
            established.getCount()
                + " of "
                + connections
                + " bulk connections not established within "
                + ESTABLISH_TIMEOUT.toSeconds()
                + " s");
      }
      Waits.sleep(plan.warmUp());
      long start = System.nanoTime();
      long before = bytes.sum();
      Waits.sleep(plan.measure());
      long after = bytes.sum();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (open.openCount() < connections) {
        throw new PhaseFailedException(
            (connections - open.openCount()) + " bulk connections closed while measuring");
      }
      return (after - before) / 1e6 / seconds;
    } finally {
      open.closeAll();
    }
  }
}
