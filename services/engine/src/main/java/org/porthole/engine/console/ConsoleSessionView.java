package org.porthole.engine.console;

import java.time.Instant;
import java.util.UUID;

/** REST view of a console session: {@code {sessionId, vmId, state, createdAt, connectedAt, closedAt, closeReason}}. */
public record ConsoleSessionView(UUID sessionId, UUID vmId, String state, Instant createdAt, Instant connectedAt,
        Instant closedAt, String closeReason) {

    static ConsoleSessionView of(ConsoleSession session) {
        return new ConsoleSessionView(session.id(), session.vmId(), session.state().wireName(), session.createdAt(),
                session.connectedAt(), session.closedAt(), session.closeReason());
    }
}
