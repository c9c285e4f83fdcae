package org.porthole.hostagent.events;

import java.util.Optional;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.relay.RelayRegistry;

/**
 * Something that acts on libvirt's domain events besides publishing them: the guest channels
 * (follow domains starting and stopping), the disconnect actions and the reconnect window.
 * Called on the {@link DomainEventRouter}'s worker thread in event order, after the router's
 * own handling; may call libvirt, must not wait long (later events queue behind it).
 */
public interface DomainEventListener {

  /** A GRAPHICS event; {@code relay} is the Porthole console that caused it, if any. */
  default void onGraphics(GraphicsSignal signal, Optional<RelayRegistry.Binding> relay) {}

  /** A lifecycle event. */
  default void onLifecycle(LifecycleSignal signal) {}
}
