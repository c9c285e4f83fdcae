package org.porthole.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** Builds tokens the signer would refuse to make, signed with a real key, for attack tests. */
final class TestTokens {

  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final String ISSUER = "porthole-engine";
  static final String AUDIENCE = "porthole-console";

  private TestTokens() {}

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

  /** A payload JSON with every claim, times in seconds, for editing in tests. */
  static String payloadJson(long iat, long nbf, long exp) {
    return "{\"iss\":\""
        + ISSUER
        + "\",\"aud\":\""
        + AUDIENCE
        + "\",\"sub\":\"alice\",\"sid\":\"s1\","
        + "\"vm\":\"vm-a\",\"host\":\"localhost:9443\",\"ch\":\"vnc\",\"iat\":"
        + iat
        + ",\"nbf\":"
        + nbf
        + ",\"exp\":"
        + exp
        + ",\"jti\":\"j1\",\"mode\":\"interactive\"}";
  }

  static String header(String kid) {
    return "{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"typ\":\"porthole-console+jwt\"}";
  }

  static String b64(String text) {
    return Base64Url.encode(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A compact JWS over arbitrary header and payload JSON, with a genuine Ed25519 signature. */
  static String signRaw(Ed25519Key key, String headerJson, String payloadJson) {
    String input = b64(headerJson) + "." + b64(payloadJson);
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(key.privateKey());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + Base64Url.encode(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A clock tests can move. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
