package org.porthole.hostagent.events;

import org.porthole.hostagent.libvirt.LifecycleSignal;

/**
 * Something that acts on libvirt's lifecycle events besides publishing them: the guest channels
 * (follow domains starting and stopping) and the password expiry after a start. Called on the
 * {@link DomainEventRouter}'s worker thread in event order, after the router's own handling; may
 * call libvirt, must not wait long (later events queue behind it).
 */
public interface DomainEventListener {

  /** A lifecycle event. */
  default void onLifecycle(LifecycleSignal signal) {}
}
