package org.porthole.hostagent.relay;

import java.util.List;

/**
 * What happens to console relays, for the parts that act on it: GRAPHICS events with the session id
 * (Kafka), disconnect actions, the INITIALIZE matching of unix-socket relays.
 *
 * <p>Threading: called on the relay's event loop or on the thread that ended it (EndConsoles,
 * shutdown); implementations must not block.
 */
public interface RelayListener {
  RelayListener NONE = new RelayListener() {};

  /** Tells every one of {@code listeners}, in order. */
  static RelayListener all(List<RelayListener> listeners) {
    List<RelayListener> copy = List.copyOf(listeners);
    return new RelayListener() {
      @Override
      public void connected(RelayedConsole console) {
        copy.forEach(l -> l.connected(console));
      }

      @Override
      public void authenticated(RelayedConsole console) {
        copy.forEach(l -> l.authenticated(console));
      }

      @Override
      public void ended(RelayedConsole console) {
        copy.forEach(l -> l.ended(console));
      }
    };
  }

  /** The relay's socket to QEMU connected. */
  default void connected(RelayedConsole console) {}

  /** QEMU accepted the relay's one-time password: the console shows the VM now. */
  default void authenticated(RelayedConsole console) {}

  /**
   * The relay ended, after it connected to QEMU ({@code console.authenticated()} tells how far).
   */
  default void ended(RelayedConsole console) {}
}
