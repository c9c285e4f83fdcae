package org.porthole.hostagent.relay;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.Ed25519Key;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenSigner;
import org.porthole.token.TokenVerifier;

/** Signs console tokens the way the engine does, for tests. */
public final class ConsoleTokens {
  public static final String ISSUER = "porthole-engine";
  public static final String AUDIENCE = "porthole-console";

  private final Ed25519Key key;
  private final TokenSigner signer;

  public ConsoleTokens(String kid) {
    this.key = Ed25519Key.generate(kid);
    this.signer = new TokenSigner(key);
  }

  public TokenVerifier verifier(Clock clock) {
    return new TokenVerifier(new StaticKeys(publicKeys()), ISSUER, AUDIENCE, clock);
  }

  public Map<String, PublicKey> publicKeys() {
    return Map.of(key.kid(), key.publicKey());
  }

  /** Claims valid for 60 s from now, channel vnc, fresh jti. */
  public static ConsoleClaims claims(String sessionId, String vmUuid, String hostId) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return new ConsoleClaims(
        ISSUER,
        AUDIENCE,
        "alice",
        sessionId,
        vmUuid,
        hostId,
        ConsoleClaims.CHANNEL_VNC,
        now,
        now,
        now.plusSeconds(60),
        UUID.randomUUID().toString(),
        ConsoleClaims.MODE_INTERACTIVE);
  }

  public String token(String sessionId, String vmUuid, String hostId) {
    return sign(claims(sessionId, vmUuid, hostId));
  }

  /** A token for a view-only console ({@code mode=view}). */
  public String viewToken(String sessionId, String vmUuid, String hostId) {
    ConsoleClaims c = claims(sessionId, vmUuid, hostId);
    return sign(
        new ConsoleClaims(
            c.issuer(),
            c.audience(),
            c.subject(),
            c.sessionId(),
            c.vmUuid(),
            c.hostId(),
            c.channel(),
            c.issuedAt(),
            c.notBefore(),
            c.expiresAt(),
            c.tokenId(),
            ConsoleClaims.MODE_VIEW));
  }

  public String sign(ConsoleClaims claims) {
    return signer.sign(claims);
  }
}
