package org.porthole.bench.relay;

import java.util.List;
import java.util.Map;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.Route;
import org.porthole.bench.report.PathName;

/**
 * One way from the benchmark's clients to the backend, with the processes that relay it (none for
 * direct). Closing stops every process the path started.
 */
public interface RelayPath extends AutoCloseable {
  PathName name();

  /** How to reach the backend in {@code mode}. */
  Route route(BackendMode mode);

  /**
   * Root process ids whose trees (descendants included) are the relay: measured for CPU and PSS.
   */
  List<Long> relayProcesses();

  /**
   * The relay processes in named groups (e.g. ws-proxy, host agents), for the CPU split in the
   * report.
   */
  default Map<String, List<Long>> relayGroups() {
    return relayProcesses().isEmpty() ? Map.of() : Map.of(name().label(), relayProcesses());
  }

  /**
   * Brings the relay's memory to its live size before a PSS reading (a full GC in JVM relays), so
   * that the per-connection figure is not noise from garbage or heap resizing.
   */
  default void settleMemory() {}

  /** Fails with the relay's log tail when one of its processes died. */
  default void checkAlive() {}

  @Override
  void close();
}
