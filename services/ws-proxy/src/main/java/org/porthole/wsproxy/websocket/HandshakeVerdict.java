package org.porthole.wsproxy.websocket;

import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.token.ChannelPath;

/**
 * The answer of {@link HandshakePolicy} to one upgrade request: either refuse it with a status and
 * a message for the client, or accept it, carrying the path asked for and the token found in {@code
 * Sec-WebSocket-Protocol} ({@code null} when the client will send it as its first message). {@link
 * #toString()} never shows the token.
 */
public final class HandshakeVerdict {

  private final PortholeStatus rejection;
  private final String message;
  private final String token;
  private final ChannelPath channel;

  private HandshakeVerdict(
      PortholeStatus rejection, String message, String token, ChannelPath channel) {
    this.rejection = rejection;
    this.message = message;
    this.token = token;
    this.channel = channel;
  }

  static HandshakeVerdict accept(String tokenOrNull, ChannelPath channel) {
    return new HandshakeVerdict(null, "accepted", tokenOrNull, channel);
  }

  static HandshakeVerdict reject(PortholeStatus status, String message) {
    return new HandshakeVerdict(status, message, null, null);
  }

  /** True when the upgrade may proceed. */
  public boolean accepted() {
    return rejection == null;
  }

  /** Why the request is refused; {@code null} when accepted. */
  public PortholeStatus rejection() {
    return rejection;
  }

  /** A short explanation for the client (never secret). */
  public String message() {
    return message;
  }

  /** The token from the subprotocol list, or {@code null}. Secret: never log it. */
  public String token() {
    return token;
  }

  /** The path requested, which the token must open; {@code null} when refused. */
  public ChannelPath channel() {
    return channel;
  }

  @Override
  public String toString() {
    return accepted()
        ? "accepted("
            + channel.path()
            + ", token "
            + (token == null ? "in first message" : "in subprotocol")
            + ")"
        : "rejected(" + rejection + ": " + message + ")";
  }
}
