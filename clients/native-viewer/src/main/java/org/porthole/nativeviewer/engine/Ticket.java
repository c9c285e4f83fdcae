package org.porthole.nativeviewer.engine;

import java.time.Instant;

/**
 * A console ticket: the token that opens one console at the ws-proxy, and how long after a drop the
 * viewer may ask for another one by itself. {@link #toString()} never shows the token.
 */
public record Ticket(
    String sessionId,
    String vmId,
    String mode,
    String token,
    String proxyUrl,
    Instant expiresAt,
    int reconnectWindowSeconds) {

  @Override
  public String toString() {
    return "Ticket[session "
        + sessionId
        + ", vm "
        + vmId
        + ", "
        + mode
        + ", proxy "
        + proxyUrl
        + ", until "
        + expiresAt
        + "]";
  }
}
