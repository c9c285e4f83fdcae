package org.porthole.token;

import java.time.Instant;

/**
 * The signed claims of a console token (see docs/contracts.md, "Console token"). Every field is
 * required; times are whole seconds since the epoch on the wire.
 *
 * @param issuer    {@code iss}: the engine's issuer id
 * @param audience  {@code aud}: {@code porthole-console}
 * @param subject   {@code sub}: the user the console is for
 * @param sessionId {@code sid}: the console session id
 * @param vmUuid    {@code vm}: the VM's UUID
 * @param hostId    {@code host}: the host agent's id (its gRPC authority)
 * @param channel   {@code ch}: {@code vnc} ({@code sso} reserved)
 * @param issuedAt  {@code iat}
 * @param notBefore {@code nbf}
 * @param expiresAt {@code exp}
 * @param tokenId   {@code jti}: redeemed once by the host agent
 */
public record ConsoleClaims(String issuer, String audience, String subject, String sessionId, String vmUuid,
        String hostId, String channel, Instant issuedAt, Instant notBefore, Instant expiresAt, String tokenId) {

    /** The VNC console channel. */
    public static final String CHANNEL_VNC = "vnc";
}
