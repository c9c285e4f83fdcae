package org.porthole.hostagent.guest;

import java.util.Objects;
import java.util.Optional;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * What happens when a VM's console disconnects (issue 4): the action the guest agent carries out
 * after {@code graceMs} unless a viewer reconnects meanwhile, and how long the last ticket works
 * again for a reconnect. The engine owns the policy; the agent keeps the last one set.
 *
 * @param action what the guest does; {@link Action#NONE} does nothing
 * @param graceMs wait after the disconnect, 0..{@value #MAX_GRACE_MS}
 * @param reconnectWindowSeconds how long the last ticket is re-armed, 0 (off)..{@value
 *     #MAX_WINDOW_SECONDS}
 */
public record ConsolePolicy(Action action, int graceMs, int reconnectWindowSeconds) {
  public static final int MAX_GRACE_MS = 60_000;

  /** A re-armed ticket lives no longer than any ticket may (TicketRules). */
  public static final int MAX_WINDOW_SECONDS = 600;

  /** lock-screen after 2 s (as vdsm), tickets revived for 120 s. */
  public static final ConsolePolicy DEFAULT = new ConsolePolicy(Action.LOCK_SCREEN, 2000, 120);

  /** The disconnect actions. */
  public enum Action {
    LOCK_SCREEN(GuestCommand.Kind.LOCK_SCREEN),
    LOG_OFF(GuestCommand.Kind.LOG_OFF),
    SHUTDOWN(GuestCommand.Kind.SHUTDOWN),
    REBOOT(GuestCommand.Kind.REBOOT),
    NONE(null);

    private final GuestCommand.Kind command;

    Action(GuestCommand.Kind command) {
      this.command = command;
    }

    /** The guest command that carries the action out; empty for NONE. */
    public Optional<GuestCommand.Kind> command() {
      return Optional.ofNullable(command);
    }
  }

  public ConsolePolicy {
    Objects.requireNonNull(action, "action");
  }

  /** A policy from caller input; BAD_REQUEST naming the field that is out of range. */
  public static ConsolePolicy of(Action action, int graceMs, int reconnectWindowSeconds)
      throws AgentException {
    if (action == null) {
      throw new AgentException(PortholeStatus.BAD_REQUEST, "disconnect_action is required");
    }
    if (graceMs < 0 || graceMs > MAX_GRACE_MS) {
      throw new AgentException(PortholeStatus.BAD_REQUEST, "grace_ms must be 0.." + MAX_GRACE_MS);
    }
    if (reconnectWindowSeconds < 0 || reconnectWindowSeconds > MAX_WINDOW_SECONDS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST, "reconnect_window_s must be 0.." + MAX_WINDOW_SECONDS);
    }
    return new ConsolePolicy(action, graceMs, reconnectWindowSeconds);
  }
}
