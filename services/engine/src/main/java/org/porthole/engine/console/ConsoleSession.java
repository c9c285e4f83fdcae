package org.porthole.engine.console;

import java.time.Instant;
import java.util.UUID;

/**
 * A console session as stored (the entity, not a wire type).
 *
 * @param subject       the user the console is for; {@code anonymous@loopback} until sign-in arrives
 * @param expiresAt     when the one-time password stops working
 * @param connectSeenAt when a VNC client connected (GRAPHICS connect, before authentication)
 * @param connectedAt   when the VNC client authenticated (GRAPHICS initialize)
 * @param closedAt      when the VNC client went away (GRAPHICS disconnect) or the unused ticket expired
 * @param closeReason   {@code disconnected} or {@code expired}; null while open
 */
public record ConsoleSession(UUID id, UUID vmId, String hostId, String subject, String channel, SessionState state,
        Instant createdAt, Instant expiresAt, Instant connectSeenAt, String clientAddress, Instant connectedAt,
        Instant closedAt, String closeReason) {

    /** A new session in state issued. */
    public static ConsoleSession issued(UUID id, UUID vmId, String hostId, String subject, String channel,
            Instant createdAt, Instant expiresAt) {
        return new ConsoleSession(id, vmId, hostId, subject, channel, SessionState.ISSUED, createdAt, expiresAt,
                null, null, null, null, null);
    }
}
