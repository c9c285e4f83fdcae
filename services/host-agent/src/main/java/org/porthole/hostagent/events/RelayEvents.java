package org.porthole.hostagent.events;

import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayedConsole;

/**
 * Publishes each relay's GRAPHICS events with its session id: CONNECT when its socket to QEMU
 * connected, INITIALIZE when QEMU accepted its one-time password, DISCONNECT when it ended. The
 * relay knows its session for certain (libvirt's own events cannot always be matched, e.g. on a
 * unix socket), and its events never wait for libvirt's.
 */
public final class RelayEvents implements RelayListener {
  private final EventSink sink;
  private final EventFactory factory;

  public RelayEvents(EventSink sink, EventFactory factory) {
    this.sink = sink;
    this.factory = factory;
  }

  @Override
  public void connected(RelayedConsole console) {
    publish(GraphicsPhase.GRAPHICS_PHASE_CONNECT, console);
  }

  @Override
  public void authenticated(RelayedConsole console) {
    publish(GraphicsPhase.GRAPHICS_PHASE_INITIALIZE, console);
  }

  @Override
  public void ended(RelayedConsole console) {
    publish(GraphicsPhase.GRAPHICS_PHASE_DISCONNECT, console);
  }

  private void publish(GraphicsPhase phase, RelayedConsole console) {
    sink.publish(
        EventTopics.Stream.GRAPHICS, console.vmUuid(), factory.relayGraphics(phase, console));
  }
}
