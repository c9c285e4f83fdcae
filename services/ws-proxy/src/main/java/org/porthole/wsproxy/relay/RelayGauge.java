package org.porthole.wsproxy.relay;

import java.util.concurrent.atomic.AtomicLong;
import org.porthole.admin.metrics.ConsoleMeters;

/**
 * Bytes the proxy holds for browsers: agent messages taken off a gRPC stream whose WebSocket write
 * has not completed yet. The relay requests one agent message per console at a time, so this stays
 * at most one message (≤ 64 KiB) per console however slowly a browser reads; what the agent has
 * sent beyond that waits in the gRPC stream's flow-control window ({@link AgentChannels}). Exposed
 * for tests and diagnostics.
 *
 * <p>Also carries the console series the relays count for {@code /metrics} ({@link ConsoleMeters}).
 *
 * <p>Threading: updated from every event loop; reads are racy snapshots.
 */
public final class RelayGauge {

  private final AtomicLong heldForClients = new AtomicLong();
  private final AtomicLong peakHeldForClients = new AtomicLong();
  private final ConsoleMeters meters;

  /** A gauge whose console series nobody exports (tests). */
  public RelayGauge() {
    this(ConsoleMeters.unexported());
  }

  /** A gauge counting into {@code meters}. */
  public RelayGauge(ConsoleMeters meters) {
    this.meters = meters;
  }

  /** The console series of this listener's relays. */
  public ConsoleMeters meters() {
    return meters;
  }

  void took(int bytes) {
    long now = heldForClients.addAndGet(bytes);
    peakHeldForClients.accumulateAndGet(now, Math::max);
  }

  void written(int bytes) {
    heldForClients.addAndGet(-bytes);
  }

  /** Bytes taken from agents and not yet written to their WebSocket, summed over all consoles. */
  public long heldForClients() {
    return heldForClients.get();
  }

  /** The largest {@link #heldForClients()} seen since start. */
  public long peakHeldForClients() {
    return peakHeldForClients.get();
  }
}
