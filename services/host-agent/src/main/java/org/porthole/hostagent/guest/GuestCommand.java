package org.porthole.hostagent.guest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
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

  /**
   * How the text of a busy refusal starts: the guest's answer to {@code sso-begin} while an
   * exchange runs, and the host's CONFLICT reason (docs/sso-protocol.md, close 4009).
   */
  public static final String BUSY = "busy:";

  /** Longest session id and nonce of {@code sso-begin}, characters. */
  public static final int MAX_ID_CHARS = 128;

  /** Longest principal of {@code sso-begin}, characters. */
  public static final int MAX_PRINCIPAL_CHARS = 256;

  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");

  /** The commands the host agent sends. */
  public enum Kind {
    LOCK_SCREEN("lock-screen"),
    LOG_OFF("log-off"),
    SHUTDOWN("shutdown"),
    REBOOT("reboot"),
    REFRESH("refresh"),
    /** The guest's Kerberos service principal; pulled after hello, never sent on request. */
    GET_SPN("get-spn"),
    /**
     * Starts the SSO exchange of a console (docs/guest-protocol.md); only the SSO relay sends it.
     */
    SSO_BEGIN("sso-begin");

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

  /**
   * {@code sso-begin} for a console session: checked against the protocol's ranges here, so a bad
   * value is refused before anything reaches the guest.
   *
   * @throws AgentException BAD_REQUEST naming the argument out of range
   */
  public static GuestCommand ssoBegin(String session, String nonce, String principal)
      throws AgentException {
    if (session == null || session.isEmpty() || session.length() > MAX_ID_CHARS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST, "sso-begin needs a session id of 1.." + MAX_ID_CHARS);
    }
    if (nonce == null || !NONCE.matcher(nonce).matches()) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST, "sso-begin needs a nonce of 16..128 of A-Z a-z 0-9 - _");
    }
    if (principal == null || principal.isEmpty() || principal.length() > MAX_PRINCIPAL_CHARS) {
      throw new AgentException(
          PortholeStatus.BAD_REQUEST,
          "sso-begin needs a principal of 1.." + MAX_PRINCIPAL_CHARS + " characters");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("session", session);
    args.put("nonce", nonce);
    args.put("principal", principal);
    return new GuestCommand(Kind.SSO_BEGIN, args);
  }
}
