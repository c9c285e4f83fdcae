package org.porthole.engine.sso;

import java.time.Instant;
import java.util.UUID;

/**
 * The SSO grant of one console session ({@code sso_grants}): what its SSO token names. The nonce is
 * not stored: it lives only in the token and the answer.
 *
 * @param principal the console user's Kerberos principal (the token's {@code krb})
 * @param owner the session's owner; filled when read back with its session, else null
 */
public record SsoGrant(
    UUID sessionId,
    UUID vmId,
    String hostId,
    String spn,
    String delegation,
    String principal,
    Instant issuedAt,
    String owner) {}
