package org.porthole.hostagent.relay;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.porthole.admin.metrics.ConsoleMeters;

/**
 * Counts VNC relays open, by mode, in {@code porthole_consoles_open}: from the relay's connection
 * to QEMU until it ends (the listener contract pairs every {@code ended} with a {@code connected}).
 *
 * <p>Threading: relays of one session may connect and end on different loops; the per-session queue
 * is guarded by the map's compute.
 */
public final class OpenConsoleCount implements RelayListener {
  private final ConsoleMeters meters;
  private final Map<String, Deque<ConsoleMeters.OpenConsole>> open = new ConcurrentHashMap<>();

  public OpenConsoleCount(ConsoleMeters meters) {
    this.meters = meters;
  }

  @Override
  public void connected(RelayedConsole console) {
    ConsoleMeters.OpenConsole counted =
        meters.opened(
            console.viewOnly() ? ConsoleMeters.Mode.VIEW : ConsoleMeters.Mode.INTERACTIVE,
            ConsoleMeters.Channel.VNC);
    open.compute(
        console.sessionId(),
        (id, q) -> {
          Deque<ConsoleMeters.OpenConsole> queue = q == null ? new ArrayDeque<>() : q;
          queue.add(counted);
          return queue;
        });
  }

  @Override
  public void ended(RelayedConsole console) {
    open.computeIfPresent(
        console.sessionId(),
        (id, q) -> {
          ConsoleMeters.OpenConsole counted = q.poll();
          if (counted != null) {
            counted.close();
          }
          return q.isEmpty() ? null : q;
        });
  }
}
