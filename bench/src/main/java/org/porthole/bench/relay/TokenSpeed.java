package org.porthole.bench.relay;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.porthole.token.Ed25519Key;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenRejectedException;
import org.porthole.token.TokenVerifier;

/**
 * What one console token costs in CPU ({@code ./porthole bench --tokens}): microseconds per {@code
 * TokenVerifier.verify} (BouncyCastle, every check), per bare JDK {@code Signature("Ed25519")}
 * verify of the same token, and per {@code TokenSigner.sign}. The proxy and the agent each verify
 * every console's token, so this bounds the connection rate.
 */
public final class TokenSpeed {
  /** Microseconds per operation. */
  public record Result(int rounds, double verify, double jdkVerify, double sign) {
    @Override
    public String toString() {
      return String.format(
          "Ed25519 µs/op over %d rounds: TokenVerifier.verify (BouncyCastle, full checks) %.1f,"
              + " JDK Signature.verify alone %.1f, TokenSigner.sign %.1f",
          rounds, verify, jdkVerify, sign);
    }
  }

  private TokenSpeed() {}

  /** Runs {@code warmup} rounds of each operation unmeasured, then {@code rounds} measured. */
  public static Result measure(int warmup, int rounds) throws GeneralSecurityException {
    Ed25519Key key = Ed25519Key.generate("speed-1");
    PresignedTokens tokens = new PresignedTokens(key);
    TokenVerifier verifier =
        new TokenVerifier(
            new StaticKeys(Map.of(key.kid(), key.publicKey())),
            PresignedTokens.ISSUER,
            PresignedTokens.AUDIENCE,
            Clock.systemUTC());
    String token = tokens.sign("localhost:9443");
    for (int i = 0; i < warmup; i++) {
      verify(verifier, token);
      jdkVerify(key, token);
      tokens.sign("localhost:9443");
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      verify(verifier, token);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      jdkVerify(key, token);
    }
    long t2 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      tokens.sign("localhost:9443");
    }
    long t3 = System.nanoTime();
    return new Result(
        rounds, micros(t1 - t0, rounds), micros(t2 - t1, rounds), micros(t3 - t2, rounds));
  }

  private static double micros(long nanos, int rounds) {
    return nanos / 1_000.0 / rounds;
  }

  private static void verify(TokenVerifier verifier, String token) {
    try {
      verifier.verify(token);
    } catch (TokenRejectedException e) {
      throw new IllegalStateException("the benchmark's own token was refused: " + e.getMessage());
    }
  }

  private static void jdkVerify(Ed25519Key key, String token) throws GeneralSecurityException {
    int dot = token.lastIndexOf('.');
    Signature signature = Signature.getInstance("Ed25519");
    signature.initVerify(key.publicKey());
    signature.update(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
    if (!signature.verify(Base64.getUrlDecoder().decode(token.substring(dot + 1)))) {
      throw new IllegalStateException("the JDK refused the benchmark's own token");
    }
  }
}
