package org.porthole.engine.console;

import java.time.Instant;
import java.util.UUID;

/**
 * REST view of a console session: {@code {sessionId, vmId, owner, mode, state, createdAt,
 * expiresAt, connectedAt, closedAt, closeReason}}.
 */
public record ConsoleSessionView(
    UUID sessionId,
    UUID vmId,
    String owner,
    String mode,
    String state,
    Instant createdAt,
    Instant expiresAt,
    Instant connectedAt,
    Instant closedAt,
    String closeReason) {

  static ConsoleSessionView of(ConsoleSession session) {
    return new ConsoleSessionView(
        session.id(),
        session.vmId(),
        session.owner(),
        session.mode().wireName(),
        session.state().wireName(),
        session.createdAt(),
        session.expiresAt(),
        session.connectedAt(),
        session.closedAt(),
        session.closeReason());
  }
}
