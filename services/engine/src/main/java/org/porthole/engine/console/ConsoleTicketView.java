package org.porthole.engine.console;

import java.time.Instant;
import java.util.UUID;

/**
 * REST answer to {@code POST /vms/{id}/consoles}: {@code {sessionId, vmId, mode, token, proxyUrl,
 * expiresAt, reconnectWindowSeconds}}. No password: the token is the only credential. Carries it,
 * so it is sent once with {@code Cache-Control: no-store}.
 */
public record ConsoleTicketView(
    UUID sessionId,
    UUID vmId,
    String mode,
    String token,
    String proxyUrl,
    Instant expiresAt,
    int reconnectWindowSeconds) {

  static ConsoleTicketView of(IssuedConsole issued) {
    ConsoleSession session = issued.session();
    return new ConsoleTicketView(
        session.id(),
        session.vmId(),
        session.mode().wireName(),
        issued.token(),
        issued.proxyUrl(),
        session.expiresAt(),
        issued.reconnectWindowSeconds());
  }

  @Override
  public String toString() {
    return "ConsoleTicketView[sessionId=" + sessionId + ", vmId=" + vmId + ", mode=" + mode + "]";
  }
}
