package org.porthole.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.porthole.testsupport.token.TokenForge.header;
import static org.porthole.testsupport.token.TokenForge.signRaw;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for what the ws-proxy and the host agent parse from a client: the compact JWS and
 * its claims, and the engine's JWKS. Every test run replays the seeds in {@code
 * TokenVerifierFuzzTestInputs/}; {@code ./porthole fuzz} fuzzes each target for a fixed budget.
 */
class TokenVerifierFuzzTest {
  /** Longer than every space-free word of the verifier's fixed refusal texts. */
  private static final int QUOTABLE_WORD = 16;

  private static final Ed25519Key KEY = Ed25519Key.generate("k1");
  private static final TokenVerifier VERIFIER =
      new TokenVerifier(
          new StaticKeys(Map.of("k1", KEY.publicKey())),
          TestClaims.ISSUER,
          TestClaims.AUDIENCE,
          Clock.fixed(TestClaims.NOW, ZoneOffset.UTC));

  /** Without the key no text is a token: any text is refused, and the refusal shows none of it. */
  @FuzzTest(maxDuration = "30s")
  void anyUnsignedTextIsRefusedWithoutEchoingIt(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> VERIFIER.verify(text))
        .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertNoTokenMaterial(e, text));
  }

  /**
   * A genuinely signed payload of any bytes is either refused with a reason, or claims the signer
   * would issue again unchanged: the verifier accepts nothing the issuer could not have written.
   */
  @FuzzTest(maxDuration = "30s")
  void anySignedPayloadIsRefusedOrClaimsTheSignerReissues(byte[] payload) throws Exception {
    String token =
        signRaw(KEY.privateKey(), header("k1"), new String(payload, StandardCharsets.UTF_8));
    ConsoleClaims claims;
    try {
      claims = VERIFIER.verify(token);
    } catch (TokenRejectedException e) {
      assertNoTokenMaterial(e, token);
      return;
    }
    assertThat(VERIFIER.verify(new TokenSigner(KEY).sign(claims))).isEqualTo(claims);
  }

  /** A signed token with any header is accepted only under the pinned algorithm and a known kid. */
  @FuzzTest(maxDuration = "30s")
  void anySignedHeaderIsRefusedOrPinsEdDsaAndTheKid(byte[] headerBytes) throws Exception {
    String headerJson = new String(headerBytes, StandardCharsets.UTF_8);
    String token =
        signRaw(
            KEY.privateKey(),
            headerJson,
            TestClaims.payloadJson(
                TestClaims.NOW.getEpochSecond(),
                TestClaims.NOW.getEpochSecond(),
                TestClaims.NOW.getEpochSecond() + 60));
    try {
      VERIFIER.verify(token);
    } catch (TokenRejectedException e) {
      assertNoTokenMaterial(e, token);
      return;
    }
    var header = TokenJson.parseObject(headerJson, "header");
    assertThat(header.get("alg").asText()).isEqualTo("EdDSA");
    assertThat(header.get("kid").asText()).isEqualTo("k1");
  }

  /** Any document is a key set that writes back to itself, or refused as malformed. */
  @FuzzTest(maxDuration = "30s")
  void anyJwksIsKeysThatRoundTripOrMalformed(byte[] bytes) throws Exception {
    Map<String, PublicKey> keys;
    try {
      keys = Jwks.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (TokenRejectedException e) {
      assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.MALFORMED);
      return;
    }
    assertThat(Jwks.parse(Jwks.toJson(keys))).isEqualTo(keys);
  }

  /** Found by the payload target: the signer never issues it, so the verifier must refuse it. */
  @Test
  void rejectsTokenThatExpiresBeforeItIsIssued() {
    long now = TestClaims.NOW.getEpochSecond();
    String token =
        signRaw(KEY.privateKey(), header("k1"), TestClaims.payloadJson(now + 5, now, now + 2));

    assertThatThrownBy(() -> VERIFIER.verify(token))
        .isInstanceOfSatisfying(
            TokenRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.MALFORMED));
  }

  /** Found by the payload target: a blank subject (or any claim) names nobody. */
  @Test
  void rejectsTokenWithBlankSubject() {
    long now = TestClaims.NOW.getEpochSecond();
    String payload =
        TestClaims.payloadJson(now, now, now + 60)
            .replaceFirst("\"sub\":\"[^\"]*\"", "\"sub\":\" \"");
    assertThat(payload).contains("\"sub\":\" \"");

    assertThatThrownBy(() -> VERIFIER.verify(signRaw(KEY.privateKey(), header("k1"), payload)))
        .isInstanceOfSatisfying(
            TokenRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.MISSING_CLAIM));
  }

  /**
   * No part of the token is quoted back. Only parts longer than any space-free word of the fixed
   * refusal texts count (the longest, "dot-separated", has 13 characters: a shorter part may be a
   * piece of the text itself), and the unknown-key refusal is exempt: it names the header's {@code
   * kid}, sanitized, by design, and a crafted kid may spell another part.
   */
  private static void assertNoTokenMaterial(TokenRejectedException e, String token) {
    assertThat(e.reason()).isNotNull();
    if (e.getMessage().startsWith("kid ")) {
      return;
    }
    for (String part : token.split("\\.")) {
      if (part.length() > QUOTABLE_WORD) {
        assertThat(e.getMessage()).doesNotContain(part);
      }
    }
  }
}
