package org.porthole.nativeviewer.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * A console ticket: the token that opens one console at the ws-proxy, and how long after a drop the
 * viewer may ask for another one by itself; with SSO, the session's SSO channel. {@link
 * #toString()} never shows a token.
 */
public record Ticket(
    String sessionId,
    String vmId,
    String mode,
    String token,
    String proxyUrl,
    Instant expiresAt,
    int reconnectWindowSeconds,
    Optional<SsoTicket> sso) {

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
        + sso.map(t -> ", " + t).orElse("")
        + "]";
  }
}
