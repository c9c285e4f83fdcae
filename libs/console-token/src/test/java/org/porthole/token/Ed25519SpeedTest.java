package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A JMH-free micro measurement: prints µs per verify for {@link TokenVerifier} (BouncyCastle) next
 * to the JDK's {@code Signature("Ed25519")} on the same token. Prints, never asserts a time (the
 * machine is shared); asserts only that every verify succeeded. Numbers are in the README.
 */
class Ed25519SpeedTest {

  private static final int WARMUP = 2_000;
  private static final int ROUNDS = 3_000;

  @Test
  void printsMicrosecondsPerVerify() throws Exception {
    Ed25519Key key = Ed25519Key.generate("k1");
    Instant now = TestTokens.NOW;
    TokenVerifier verifier =
        new TokenVerifier(
            new StaticKeys(Map.of("k1", key.publicKey())),
            TestTokens.ISSUER,
            TestTokens.AUDIENCE,
            Clock.fixed(now, ZoneOffset.UTC));
    TokenSigner signer = new TokenSigner(key);
    String token = signer.sign(TestTokens.validClaims());

    int ok = 0;
    for (int i = 0; i < WARMUP; i++) {
      ok += verifier.verify(token) != null ? 1 : 0;
      ok += jdkVerify(key, token) ? 1 : 0;
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < ROUNDS; i++) {
      ok += verifier.verify(token) != null ? 1 : 0;
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < ROUNDS; i++) {
      ok += jdkVerify(key, token) ? 1 : 0;
    }
    long t2 = System.nanoTime();
    for (int i = 0; i < ROUNDS; i++) {
      ok += signer.sign(TestTokens.validClaims()).isEmpty() ? 0 : 1;
    }
    long t3 = System.nanoTime();
    System.out.printf(
        "Ed25519 µs/op over %d rounds: TokenVerifier.verify (BouncyCastle, full checks) %.1f,"
            + " JDK Signature.verify alone %.1f, TokenSigner.sign %.1f%n",
        ROUNDS, micros(t1 - t0), micros(t2 - t1), micros(t3 - t2));
    assertEquals(2 * WARMUP + 3 * ROUNDS, ok, "every verify and sign succeeded");
    assertTrue(t1 > t0);
  }

  private static double micros(long nanos) {
    return nanos / 1_000.0 / ROUNDS;
  }

  private static boolean jdkVerify(Ed25519Key key, String token) throws GeneralSecurityException {
    int dot = token.lastIndexOf('.');
    Signature signature = Signature.getInstance("Ed25519");
    signature.initVerify(key.publicKey());
    signature.update(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
    return signature.verify(Base64Url.decode(token.substring(dot + 1)));
  }
}
