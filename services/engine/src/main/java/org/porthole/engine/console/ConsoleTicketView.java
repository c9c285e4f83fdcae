package org.porthole.engine.console;

import java.time.Instant;
import java.util.UUID;

/**
 * REST answer to {@code POST /vms/{id}/consoles}: {@code {sessionId, vmId, mode, token, password,
 * proxyUrl, expiresAt}}. Carries secrets: sent once with {@code Cache-Control: no-store}.
 */
public record ConsoleTicketView(UUID sessionId, UUID vmId, String mode, String token, String password,
        String proxyUrl, Instant expiresAt) {

    static ConsoleTicketView of(IssuedConsole issued) {
        ConsoleSession session = issued.session();
        return new ConsoleTicketView(session.id(), session.vmId(), session.mode().wireName(), issued.token(),
                issued.password(), issued.proxyUrl(), session.expiresAt());
    }

    @Override
    public String toString() {
        return "ConsoleTicketView[sessionId=" + sessionId + ", vmId=" + vmId + ", mode=" + mode + "]";
    }
}
