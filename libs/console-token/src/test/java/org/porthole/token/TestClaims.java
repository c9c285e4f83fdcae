package org.porthole.token;

import java.time.Instant;
import org.porthole.testsupport.token.TokenClaims;

/** Console claims at a fixed instant, for this library's signer and verifier tests. */
final class TestClaims {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final String ISSUER = TokenClaims.ISSUER;
  static final String AUDIENCE = TokenClaims.AUDIENCE;

  private TestClaims() {}

  static ConsoleClaims claims(Instant iat, Instant nbf, Instant exp) {
    return new ConsoleClaims(
        ISSUER,
        AUDIENCE,
        "alice",
        "5b0c6c1e-1111-4c1f-9c55-000000000001",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "localhost:9443",
        ConsoleClaims.CHANNEL_VNC,
        iat,
        nbf,
        exp,
        "jti-" + iat.getEpochSecond() + "-" + exp.getEpochSecond(),
        ConsoleClaims.MODE_INTERACTIVE);
  }

  static ConsoleClaims validClaims() {
    return claims(NOW, NOW, NOW.plusSeconds(120));
  }

  /**
   * A payload JSON with every claim (session {@code s1}, VM {@code vm-a}, jti {@code j1}), times in
   * seconds, for editing in tests.
   */
  static String payloadJson(long iat, long nbf, long exp) {
    return TokenClaims.forHost("localhost:9443")
        .withConsole("s1", "vm-a")
        .withTokenId("j1")
        .withTimes(
            Instant.ofEpochSecond(iat), Instant.ofEpochSecond(nbf), Instant.ofEpochSecond(exp))
        .toJson()
        .toString();
  }
}
