package org.porthole.engine.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.SsoClaims;

/** Signs console tokens with the current signing key. Thread-safe. */
@ApplicationScoped
public class ConsoleTokens {

  private final SigningKeys keys;
  private final ConsoleClaimsFactory claims;

  @Inject
  public ConsoleTokens(
      SigningKeys keys,
      Clock clock,
      @ConfigProperty(name = "porthole.token.issuer", defaultValue = "porthole-engine")
          String issuer,
      @ConfigProperty(name = "porthole.token.audience", defaultValue = "porthole-console")
          String audience) {
    this.keys = keys;
    this.claims = new ConsoleClaimsFactory(issuer, audience, clock, new SecureRandom());
  }

  /**
   * A signed token (JWS compact form) for one console session. The result is a secret: never log
   * it.
   */
  public SignedToken sign(
      String subject,
      UUID sessionId,
      UUID vmId,
      String hostId,
      String channel,
      String mode,
      int ticketSeconds) {
    return sign(subject, sessionId, vmId, hostId, channel, mode, ticketSeconds, null);
  }

  /**
   * As {@link #sign(String, UUID, UUID, String, String, String, int)}, with the SSO claims of an
   * SSO channel token ({@code sso} non-null exactly when {@code channel} is {@code sso}).
   */
  public SignedToken sign(
      String subject,
      UUID sessionId,
      UUID vmId,
      String hostId,
      String channel,
      String mode,
      int ticketSeconds,
      SsoClaims sso) {
    ConsoleClaims built =
        claims.build(subject, sessionId, vmId, hostId, channel, mode, ticketSeconds, sso);
    return new SignedToken(keys.signer().sign(built), built);
  }

  /** A signed token and the claims inside it. */
  public record SignedToken(String compact, ConsoleClaims claims) {

    @Override
    public String toString() {
      return "SignedToken[sid=" + claims.sessionId() + "]";
    }
  }
}
