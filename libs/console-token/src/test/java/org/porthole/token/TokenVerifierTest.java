package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.porthole.testsupport.token.TokenForge.b64;
import static org.porthole.testsupport.token.TokenForge.header;
import static org.porthole.testsupport.token.TokenForge.signRaw;
import static org.porthole.token.TestClaims.AUDIENCE;
import static org.porthole.token.TestClaims.ISSUER;
import static org.porthole.token.TestClaims.NOW;
import static org.porthole.token.TestClaims.payloadJson;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.porthole.token.TokenRejectedException.Reason;

class TokenVerifierTest {

  private static final long T = NOW.getEpochSecond();
  private final Ed25519Key key = Ed25519Key.generate("k1");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final TokenVerifier verifier = verifier(new StaticKeys(Map.of("k1", key.publicKey())));

  private TokenVerifier verifier(VerificationKeys keys) {
    return new TokenVerifier(keys, ISSUER, AUDIENCE, clock);
  }

  private Reason rejection(TokenVerifier v, String token) {
    TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> v.verify(token));
    if (token != null && token.length() > 8) {
      for (String part : token.split("\\.")) {
        if (part.length() > 8) {
          assertFalse(
              e.getMessage().contains(part), "message leaks token material: " + e.getMessage());
        }
      }
    }
    return e.reason();
  }

  private Reason rejection(String token) {
    return rejection(verifier, token);
  }

  @Test
  void roundTrip() throws Exception {
    ConsoleClaims claims = TestClaims.validClaims();
    assertEquals(claims, verifier.verify(new TokenSigner(key).sign(claims)));
  }

  @Test
  void acceptsHandBuiltTokenWithEveryClaim() throws Exception {
    ConsoleClaims claims =
        verifier.verify(signRaw(key.privateKey(), header("k1"), payloadJson(T, T, T + 60)));
    assertEquals("vm-a", claims.vmUuid());
    assertEquals("j1", claims.tokenId());
  }

  @Test
  void rejectsTokenWithoutExpiry() {
    String payload = payloadJson(T, T, T + 60).replace(",\"exp\":" + (T + 60), "");
    assertFalse(payload.contains("exp"));
    assertEquals(Reason.MISSING_CLAIM, rejection(signRaw(key.privateKey(), header("k1"), payload)));
  }

  @Test
  void rejectsTokenWithoutAnyOneClaim() {
    for (String claim :
        List.of(
            "iss", "aud", "sub", "sid", "vm", "host", "ch", "iat", "nbf", "exp", "jti", "mode")) {
      String payload =
          payloadJson(T, T, T + 60)
              .replaceFirst("\"" + claim + "\":(\"[^\"]*\"|[0-9]+),?", "")
              .replace(",}", "}");
      assertFalse(payload.contains("\"" + claim + "\""), payload);
      assertEquals(
          Reason.MISSING_CLAIM, rejection(signRaw(key.privateKey(), header("k1"), payload)), claim);
    }
  }

  @Test
  void readsTheViewModeAndRefusesAnyOtherMode() throws Exception {
    String view =
        payloadJson(T, T, T + 60).replace("\"mode\":\"interactive\"", "\"mode\":\"view\"");
    assertTrue(verifier.verify(signRaw(key.privateKey(), header("k1"), view)).viewOnly());
    assertFalse(
        verifier
            .verify(signRaw(key.privateKey(), header("k1"), payloadJson(T, T, T + 60)))
            .viewOnly());
    for (String mode : List.of("\"admin\"", "\"VIEW\"", "\"\"", "1", "null", "[\"view\"]")) {
      String payload = payloadJson(T, T, T + 60).replace("\"interactive\"", mode);
      assertEquals(
          Reason.MISSING_CLAIM, rejection(signRaw(key.privateKey(), header("k1"), payload)), mode);
    }
  }

  @Test
  void rejectsClaimsOfTheWrongType() {
    String[][] edits = {
      {"\"exp\":" + (T + 60), "\"exp\":\"" + (T + 60) + "\""},
      {"\"iat\":" + T, "\"iat\":" + T + ".5"},
      {"\"aud\":\"" + AUDIENCE + "\"", "\"aud\":[\"" + AUDIENCE + "\"]"},
      {"\"vm\":\"vm-a\"", "\"vm\":42"},
      {"\"sub\":\"alice\"", "\"sub\":\"\""},
      {"\"nbf\":" + T, "\"nbf\":-1"},
      {"\"exp\":" + (T + 60), "\"exp\":1e400"},
    };
    for (String[] edit : edits) {
      String payload = payloadJson(T, T, T + 60).replace(edit[0], edit[1]);
      assertEquals(
          Reason.MISSING_CLAIM,
          rejection(signRaw(key.privateKey(), header("k1"), payload)),
          edit[1]);
    }
  }

  @Test
  void rejectsTokenWithChangedClaim() {
    String token = new TokenSigner(key).sign(TestClaims.validClaims());
    String[] parts = token.split("\\.");
    String payload = new String(Base64Url.decode(parts[1]), StandardCharsets.UTF_8);
    String forged =
        payload.replace(
            "0f8fad5b-d9cb-469f-a165-70867728950e", "11111111-d9cb-469f-a165-70867728950e");
    assertFalse(forged.equals(payload));
    assertEquals(Reason.BAD_SIGNATURE, rejection(parts[0] + "." + b64(forged) + "." + parts[2]));
  }

  @Test
  void rejectsForeignKid() {
    Ed25519Key foreign = Ed25519Key.generate("attacker");
    assertEquals(
        Reason.UNKNOWN_KEY, rejection(new TokenSigner(foreign).sign(TestClaims.validClaims())));
  }

  @Test
  void rejectsForeignKeyUnderKnownKid() {
    Ed25519Key foreign = Ed25519Key.generate("k1");
    assertEquals(
        Reason.BAD_SIGNATURE, rejection(new TokenSigner(foreign).sign(TestClaims.validClaims())));
  }

  @Test
  void rejectsTokenWithoutKid() {
    String noKid = "{\"alg\":\"EdDSA\",\"typ\":\"porthole-console+jwt\"}";
    assertEquals(
        Reason.UNKNOWN_KEY, rejection(signRaw(key.privateKey(), noKid, payloadJson(T, T, T + 60))));
  }

  @Test
  void rejectsWrongAudience() {
    String payload = payloadJson(T, T, T + 60).replace(AUDIENCE, "some-other-service");
    assertEquals(
        Reason.WRONG_AUDIENCE, rejection(signRaw(key.privateKey(), header("k1"), payload)));
  }

  @Test
  void rejectsWrongIssuer() {
    String payload = payloadJson(T, T, T + 60).replace(ISSUER, "evil-engine");
    assertEquals(Reason.WRONG_ISSUER, rejection(signRaw(key.privateKey(), header("k1"), payload)));
  }

  @Test
  void rejectsAlgNone() {
    CountingKeys keys = new CountingKeys(Map.of("k1", key.publicKey()), null);
    String header = "{\"alg\":\"none\",\"kid\":\"k1\",\"typ\":\"porthole-console+jwt\"}";
    String unsigned = b64(header) + "." + b64(payloadJson(T, T, T + 60)) + ".";
    assertEquals(Reason.ALGORITHM_NOT_ALLOWED, rejection(verifier(keys), unsigned));
    assertEquals(0, keys.finds.get(), "algorithm must be refused before any key lookup");
  }

  @Test
  void rejectsHs256WithPublicKeyAsSecret() throws Exception {
    CountingKeys keys = new CountingKeys(Map.of("k1", key.publicKey()), null);
    String header = "{\"alg\":\"HS256\",\"kid\":\"k1\",\"typ\":\"porthole-console+jwt\"}";
    String input = b64(header) + "." + b64(payloadJson(T, T, T + 60));
    for (byte[] secret : List.of(key.encodedPublic(), Jwks.rawPublicKey(key.publicKey()))) {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      String token =
          input + "." + Base64Url.encode(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
      assertEquals(Reason.ALGORITHM_NOT_ALLOWED, rejection(verifier(keys), token));
    }
    assertEquals(0, keys.finds.get(), "algorithm must be refused before any key lookup");
  }

  @Test
  void rejectsEveryAlgorithmButEdDsa() {
    for (String alg :
        List.of(
            "\"RS256\"",
            "\"ES256\"",
            "\"HS512\"",
            "\"PS256\"",
            "\"eddsa\"",
            "\"EdDSA \"",
            "\"Ed25519\"",
            "null",
            "1",
            "[\"EdDSA\"]")) {
      String header = "{\"alg\":" + alg + ",\"kid\":\"k1\",\"typ\":\"porthole-console+jwt\"}";
      assertEquals(
          Reason.ALGORITHM_NOT_ALLOWED,
          rejection(signRaw(key.privateKey(), header, payloadJson(T, T, T + 60))),
          alg);
    }
    String noAlg = "{\"kid\":\"k1\",\"typ\":\"porthole-console+jwt\"}";
    assertEquals(
        Reason.ALGORITHM_NOT_ALLOWED,
        rejection(signRaw(key.privateKey(), noAlg, payloadJson(T, T, T + 60))));
  }

  @Test
  void rejectsKeyInjectionHeaders() {
    for (String extra :
        List.of(
            "\"jku\":\"http://evil/jwks\"",
            "\"jwk\":{\"kty\":\"OKP\"}",
            "\"x5u\":\"http://evil/cert\"",
            "\"x5c\":[\"AAAA\"]",
            "\"crit\":[\"exp\"]")) {
      String header =
          "{\"alg\":\"EdDSA\",\"kid\":\"k1\"," + extra + ",\"typ\":\"porthole-console+jwt\"}";
      assertEquals(
          Reason.MALFORMED,
          rejection(signRaw(key.privateKey(), header, payloadJson(T, T, T + 60))),
          extra);
    }
  }

  @Test
  void rejectsForeignTokenType() {
    String header = "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":\"JWT\"}";
    assertEquals(
        Reason.MALFORMED, rejection(signRaw(key.privateKey(), header, payloadJson(T, T, T + 60))));
  }

  @Test
  void rejectsExpiredBeyondSkew() {
    assertEquals(
        Reason.EXPIRED,
        rejection(signRaw(key.privateKey(), header("k1"), payloadJson(T - 100, T - 100, T - 5))));
    assertEquals(
        Reason.EXPIRED,
        rejection(signRaw(key.privateKey(), header("k1"), payloadJson(T - 100, T - 100, T - 60))));
  }

  @Test
  void acceptsWithinSkew() throws Exception {
    verifier.verify(signRaw(key.privateKey(), header("k1"), payloadJson(T - 100, T - 100, T - 4)));
    verifier.verify(signRaw(key.privateKey(), header("k1"), payloadJson(T + 5, T + 5, T + 60)));
  }

  @Test
  void rejectsNotYetValidBeyondSkew() {
    assertEquals(
        Reason.NOT_YET_VALID,
        rejection(signRaw(key.privateKey(), header("k1"), payloadJson(T, T + 6, T + 60))));
    assertEquals(
        Reason.NOT_YET_VALID,
        rejection(signRaw(key.privateKey(), header("k1"), payloadJson(T + 6, T, T + 60))));
  }

  @Test
  void rejectsLifetimeOver120s() throws Exception {
    assertEquals(
        Reason.LIFETIME_TOO_LONG,
        rejection(signRaw(key.privateKey(), header("k1"), payloadJson(T - 10, T - 10, T + 111))));
    assertEquals(
        Reason.LIFETIME_TOO_LONG,
        rejection(
            signRaw(key.privateKey(), header("k1"), payloadJson(T, T, T + 365L * 24 * 3600))));
    verifier.verify(signRaw(key.privateKey(), header("k1"), payloadJson(T - 10, T - 10, T + 110)));
  }

  @Test
  void rejectsOversizedToken() {
    assertEquals(Reason.OVERSIZED, rejection("a".repeat(4097)));
    String bigSubject =
        payloadJson(T, T, T + 60).replace("\"alice\"", "\"" + "x".repeat(3500) + "\"");
    String token = signRaw(key.privateKey(), header("k1"), bigSubject);
    assertEquals(Reason.OVERSIZED, rejection(token));
  }

  @Test
  void rejectsDuplicateClaimKeys() {
    String payload =
        payloadJson(T, T, T + 60).replace("\"vm\":\"vm-a\"", "\"vm\":\"vm-a\",\"vm\":\"vm-b\"");
    assertEquals(Reason.MALFORMED, rejection(signRaw(key.privateKey(), header("k1"), payload)));
    String header =
        "{\"alg\":\"EdDSA\",\"alg\":\"none\",\"kid\":\"k1\",\"typ\":\"porthole-console+jwt\"}";
    assertEquals(
        Reason.MALFORMED, rejection(signRaw(key.privateKey(), header, payloadJson(T, T, T + 60))));
  }

  @Test
  void rejectsMalformedBase64() {
    String token = new TokenSigner(key).sign(TestClaims.validClaims());
    String[] p = token.split("\\.");
    List<String> hostile =
        List.of(
            p[0] + "." + p[1] + "." + p[2] + "==",
            p[0] + "=." + p[1] + "." + p[2],
            p[0] + "." + p[1].replace('-', '+').replace('_', '/') + "x+/." + p[2],
            p[0] + " ." + p[1] + "." + p[2],
            p[0] + "." + p[1] + "." + p[2] + "AAA",
            p[0] + "." + p[1] + "." + p[2].substring(0, p[2].length() - 1) + "B",
            p[0] + "." + p[1] + "\n." + p[2]);
    for (String bad : hostile) {
      assertEquals(Reason.MALFORMED, rejection(bad), bad);
    }
  }

  @Test
  void rejectsWrongShape() {
    String token = new TokenSigner(key).sign(TestClaims.validClaims());
    String[] p = token.split("\\.");
    for (String bad :
        List.of(
            "",
            ".",
            "..",
            "...",
            p[0] + "." + p[1],
            token + ".",
            token + "." + p[2],
            b64("[1,2]") + "." + p[1] + "." + p[2],
            b64("{\"alg\":\"EdDSA\"") + "." + p[1] + "." + p[2],
            "\u00e9.\u00e9.\u00e9")) {
      assertEquals(Reason.MALFORMED, rejection(bad), bad);
    }
    assertThrows(TokenRejectedException.class, () -> verifier.verify(null));
  }

  @Test
  void rejectsNonObjectPayloadWithValidSignature() {
    assertEquals(Reason.MALFORMED, rejection(signRaw(key.privateKey(), header("k1"), "[1,2,3]")));
    assertEquals(
        Reason.MALFORMED,
        rejection(signRaw(key.privateKey(), header("k1"), payloadJson(T, T, T + 60) + "{}")));
  }

  @Test
  void rejectsTruncatedSignature() {
    String token = new TokenSigner(key).sign(TestClaims.validClaims());
    String truncated =
        token.substring(0, token.lastIndexOf('.') + 1) + Base64Url.encode(new byte[63]);
    assertEquals(Reason.BAD_SIGNATURE, rejection(truncated));
  }

  @Test
  void unknownKidRefetchesOnce() throws Exception {
    Ed25519Key rotated = Ed25519Key.generate("k2");
    Map<String, PublicKey> next = Map.of("k1", key.publicKey(), "k2", rotated.publicKey());
    CountingKeys keys = new CountingKeys(Map.of("k1", key.publicKey()), next);
    TokenVerifier v = verifier(keys);
    v.verify(new TokenSigner(rotated).sign(TestClaims.validClaims()));
    assertEquals(1, keys.refreshes.get());

    CountingKeys stale = new CountingKeys(Map.of("k1", key.publicKey()), null);
    assertEquals(
        Reason.UNKNOWN_KEY,
        rejection(verifier(stale), new TokenSigner(rotated).sign(TestClaims.validClaims())));
    assertEquals(1, stale.refreshes.get(), "one refresh per unknown kid, no retry loop");
    assertEquals(1, stale.finds.get(), "no second lookup when the refresh brought nothing new");
  }

  @Test
  void knownKidDoesNotRefetch() throws Exception {
    CountingKeys keys = new CountingKeys(Map.of("k1", key.publicKey()), null);
    verifier(keys).verify(new TokenSigner(key).sign(TestClaims.validClaims()));
    assertEquals(0, keys.refreshes.get());
  }

  @Test
  void rejectsNonEd25519KeyForKid() throws Exception {
    PublicKey ec = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
    TokenVerifier v = verifier(new StaticKeys(Map.of("k1", ec)));
    assertEquals(
        Reason.UNKNOWN_KEY, rejection(v, new TokenSigner(key).sign(TestClaims.validClaims())));
  }

  @Test
  void rejectsMalleatedSignatureWithScalarPlusGroupOrder() {
    String token = new TokenSigner(key).sign(TestClaims.validClaims());
    int dot = token.lastIndexOf('.');
    byte[] sig = Base64Url.decode(token.substring(dot + 1));
    java.math.BigInteger order =
        java.math.BigInteger.TWO
            .pow(252)
            .add(new java.math.BigInteger("27742317777372353535851937790883648493"));
    byte[] le = java.util.Arrays.copyOfRange(sig, 32, 64);
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = le[31 - i];
    }
    byte[] sum = new java.math.BigInteger(1, be).add(order).toByteArray();
    for (int i = 0; i < 32; i++) {
      int from = sum.length - 1 - i;
      sig[32 + i] = from >= 0 ? sum[from] : 0;
    }
    assertEquals(
        Reason.BAD_SIGNATURE, rejection(token.substring(0, dot + 1) + Base64Url.encode(sig)));
  }

  @Test
  void acceptsTokenSignedByTheJdkProviderAndReverse() throws Exception {
    String jdkSigned = signRaw(key.privateKey(), header("k1"), payloadJson(T, T, T + 60));
    assertEquals("alice", verifier.verify(jdkSigned).subject());
    String bcSigned = new TokenSigner(key).sign(TestClaims.validClaims());
    int dot = bcSigned.lastIndexOf('.');
    java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
    jdk.initVerify(key.publicKey());
    jdk.update(bcSigned.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
    assertTrue(
        jdk.verify(Base64Url.decode(bcSigned.substring(dot + 1))),
        "JDK accepts BouncyCastle's signature");
  }
}
