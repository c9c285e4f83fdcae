package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.porthole.token.TestClaims.NOW;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenSignerTest {

  private final Ed25519Key key = Ed25519Key.generate("k1");
  private final TokenSigner signer = new TokenSigner(key);

  @Test
  void writesPinnedHeaderAndUnpaddedParts() {
    String token = signer.sign(TestClaims.validClaims());
    String[] parts = token.split("\\.", -1);
    assertEquals(3, parts.length);
    assertFalse(token.contains("="));
    assertEquals(
        "{\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":\"porthole-console+jwt\"}",
        new String(Base64Url.decode(parts[0]), StandardCharsets.UTF_8));
    String payload = new String(Base64Url.decode(parts[1]), StandardCharsets.UTF_8);
    assertTrue(payload.contains("\"exp\":" + NOW.plusSeconds(120).getEpochSecond()), payload);
    assertTrue(payload.contains("\"aud\":\"porthole-console\""), payload);
    assertEquals(64, Base64Url.decode(parts[2]).length);
  }

  @Test
  void refusesLifetimeOver120s() {
    ConsoleClaims tooLong = TestClaims.claims(NOW, NOW, NOW.plusSeconds(121));
    assertThrows(IllegalArgumentException.class, () -> signer.sign(tooLong));
    ConsoleClaims backwards = TestClaims.claims(NOW, NOW, NOW.minusSeconds(1));
    assertThrows(IllegalArgumentException.class, () -> signer.sign(backwards));
  }

  @Test
  void refusesMissingClaim() {
    ConsoleClaims c = TestClaims.validClaims();
    ConsoleClaims noJti =
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
            null,
            c.mode());
    assertThrows(IllegalArgumentException.class, () -> signer.sign(noJti));
    ConsoleClaims noExp =
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
            null,
            c.tokenId(),
            c.mode());
    assertThrows(IllegalArgumentException.class, () -> signer.sign(noExp));
    for (String mode : new String[] {null, "", "admin", "View"}) {
      ConsoleClaims badMode =
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
              mode);
      assertThrows(IllegalArgumentException.class, () -> signer.sign(badMode));
    }
  }

  @Test
  void keyRoundTripsThroughEncodings() throws Exception {
    Ed25519Key copy = Ed25519Key.fromEncoded("k1", key.encodedPrivate(), key.encodedPublic());
    String token = new TokenSigner(copy).sign(TestClaims.validClaims());
    TokenVerifier verifier =
        new TokenVerifier(
            new StaticKeys(java.util.Map.of("k1", key.publicKey())),
            TestClaims.ISSUER,
            TestClaims.AUDIENCE,
            java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
    assertEquals(TestClaims.validClaims(), verifier.verify(token));
    assertFalse(key.toString().contains(Base64Url.encode(key.encodedPrivate())));
    assertThrows(
        IllegalArgumentException.class,
        () -> Ed25519Key.fromEncoded("k1", new byte[10], new byte[44]));
  }
}
