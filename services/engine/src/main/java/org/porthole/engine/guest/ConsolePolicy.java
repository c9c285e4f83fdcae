package org.porthole.engine.guest;

import java.util.UUID;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * A VM's console policy: the action applied through the guest agent when its console disconnects,
 * the grace during which a reconnect cancels it, and how long the last ticket works again after a
 * disconnect (0: off). The engine owns it; host agents hold a copy.
 */
public record ConsolePolicy(
    UUID vmId, DisconnectAction disconnectAction, int graceMs, int reconnectWindowSeconds) {

  public static final int DEFAULT_GRACE_MS = 2000;
  public static final int DEFAULT_RECONNECT_WINDOW_SECONDS = 120;
  static final int MAX_GRACE_MS = 60_000;
  static final int MAX_RECONNECT_WINDOW_SECONDS = 600;

  /** Checks the ranges of the wire contract (and of the database). */
  public ConsolePolicy {
    if (graceMs < 0 || graceMs > MAX_GRACE_MS) {
      throw new PortholeException(PortholeStatus.BAD_REQUEST, "graceMs must be 0.." + MAX_GRACE_MS);
    }
    if (reconnectWindowSeconds < 0 || reconnectWindowSeconds > MAX_RECONNECT_WINDOW_SECONDS) {
      throw new PortholeException(
          PortholeStatus.BAD_REQUEST,
          "reconnectWindowSeconds must be 0.." + MAX_RECONNECT_WINDOW_SECONDS);
    }
  }

  /** The policy of a VM nobody configured: lock the screen after 2 s, reconnect within 120 s. */
  public static ConsolePolicy defaults(UUID vmId) {
    return new ConsolePolicy(
        vmId, DisconnectAction.LOCK_SCREEN, DEFAULT_GRACE_MS, DEFAULT_RECONNECT_WINDOW_SECONDS);
  }
}
