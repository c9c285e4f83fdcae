package org.porthole.engine.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.SsoClaims;

/**
 * Builds the claims of a console token: issued now (whole seconds), valid from now, expiring after
 * the ticket's lifetime but never more than {@link #MAX_LIFETIME_SECONDS}, with a random {@code
 * jti} that the host agent redeems once.
 */
public final class ConsoleClaimsFactory {

  /** The longest token lifetime the contract allows. */
  public static final int MAX_LIFETIME_SECONDS = 120;

  private static final int JTI_BYTES = 16;

  private final String issuer;
  private final String audience;
  private final Clock clock;
  private final SecureRandom random;

  public ConsoleClaimsFactory(String issuer, String audience, Clock clock, SecureRandom random) {
    this.issuer = issuer;
    this.audience = audience;
    this.clock = clock;
    this.random = random;
  }

  /**
   * Claims for one console session; {@code mode} is {@link ConsoleClaims#MODE_INTERACTIVE} or
   * {@link ConsoleClaims#MODE_VIEW}, {@code ticketSeconds} is how long its password lives.
   */
  public ConsoleClaims build(
      String subject,
      UUID sessionId,
      UUID vmId,
      String hostId,
      String channel,
      String mode,
      int ticketSeconds) {
    return build(subject, sessionId, vmId, hostId, channel, mode, ticketSeconds, null);
  }

  /**
   * As {@link #build(String, UUID, UUID, String, String, String, int)}, with the four SSO claims of
   * an SSO channel token: required when {@code channel} is {@link ConsoleClaims#CHANNEL_SSO},
   * refused otherwise.
   */
  public ConsoleClaims build(
      String subject,
      UUID sessionId,
      UUID vmId,
      String hostId,
      String channel,
      String mode,
      int ticketSeconds,
      SsoClaims sso) {
    if (ConsoleClaims.CHANNEL_SSO.equals(channel) != (sso != null)) {
      throw new IllegalArgumentException("SSO claims belong to exactly the sso channel's tokens");
    }
    if (!ConsoleClaims.knownMode(mode)) {
      throw new IllegalArgumentException("mode must be interactive or view");
    }
    if (ticketSeconds < 1) {
      throw new IllegalArgumentException("ticket seconds must be positive");
    }
    Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = issuedAt.plusSeconds(Math.min(ticketSeconds, MAX_LIFETIME_SECONDS));
    return new ConsoleClaims(
        issuer,
        audience,
        subject,
        sessionId.toString(),
        vmId.toString(),
        hostId,
        channel,
        issuedAt,
        issuedAt,
        expiresAt,
        newTokenId(),
        mode,
        sso);
  }

  private String newTokenId() {
    byte[] bytes = new byte[JTI_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
