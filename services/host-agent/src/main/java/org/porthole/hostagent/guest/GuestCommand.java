package org.porthole.hostagent.guest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * A command the host sends to a guest agent (docs/guest-protocol.md, "Commands"), with its
 * arguments checked against the protocol's ranges before anything is sent.
 *
 * @param kind what to do
 * @param args the request's {@code args} object
 */
public record GuestCommand(Kind kind, Map<String, Object> args) {
  /** Longest shutdown / reboot delay, seconds. */
  public static final int MAX_DELAY_SECONDS = 3600;

  /** Longest shutdown / reboot message, characters. */
  public static final int MAX_MESSAGE_CHARS = 256;

  /** The commands the host agent exposes. */
  public enum Kind {
    LOCK_SCREEN("lock-screen"),
    LOG_OFF("log-off"),
    SHUTDOWN("shutdown"),
    REBOOT("reboot"),
    REFRESH("refresh");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    /** The command's name on the wire. */
    public String wire() {
      return wire;
    }
  }

  public GuestCommand {
    Objects.requireNonNull(kind, "kind");
    args = Map.copyOf(args);
  }

  /** A command without arguments. */
  public static GuestCommand of(Kind kind) {
    return new GuestCommand(kind, Map.of());
  }

  /**
   * A command with the shutdown / reboot arguments (ignored by the others).
   *
   * @throws AgentException BAD_REQUEST when the delay or the message is out of range
   */
  public static GuestCommand of(Kind kind, int delaySeconds, String message) throws AgentException {
    if (kind != Kind.SHUTDOWN && kind != Kind.REBOOT) {
      return of(kind);
    }
    if (delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST, "delay_seconds must be 0.." + MAX_DELAY_SECONDS);
    }
    if (message != null && message.length() > MAX_MESSAGE_CHARS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST,
          "message must be at most " + MAX_MESSAGE_CHARS + " characters");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("delay", delaySeconds);
    if (message != null && !message.isEmpty()) {
      args.put("message", message);
    }
    return new GuestCommand(kind, args);
  }
}
