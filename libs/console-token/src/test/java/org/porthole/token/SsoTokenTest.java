package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.porthole.testsupport.token.TokenForge.header;
import static org.porthole.testsupport.token.TokenForge.signRaw;
import static org.porthole.token.TestClaims.AUDIENCE;
import static org.porthole.token.TestClaims.ISSUER;
import static org.porthole.token.TestClaims.NOW;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.token.TokenRejectedException.Reason;

/** The SSO channel's token: {@code ch=sso} carries spn, nonce, deleg and krb, and only it does. */
class SsoTokenTest {

  private static final SsoClaims SSO =
      new SsoClaims(
          "host/porthole-demo.porthole.test@PORTHOLE.TEST",
          "AAECAwQFBgcICQoLDA0ODw",
          SsoClaims.OK_AS_DELEGATE,
          "alice@PORTHOLE.TEST");

  private final Ed25519Key key = Ed25519Key.generate("k1");
  private final TokenVerifier verifier =
      new TokenVerifier(
          new StaticKeys(Map.of("k1", key.publicKey())),
          ISSUER,
          AUDIENCE,
          Clock.fixed(NOW, ZoneOffset.UTC));

  private static ConsoleClaims ssoClaims(SsoClaims sso) {
    ConsoleClaims c = TestClaims.validClaims();
    return new ConsoleClaims(
        c.issuer(),
        c.audience(),
        c.subject(),
        c.sessionId(),
        c.vmUuid(),
        c.hostId(),
        ConsoleClaims.CHANNEL_SSO,
        c.issuedAt(),
        c.notBefore(),
        c.expiresAt(),
        c.tokenId(),
        c.mode(),
        sso);
  }

  private static TokenClaims.Sso wire(SsoClaims sso) {
    return new TokenClaims.Sso(sso.spn(), sso.nonce(), sso.delegation(), sso.principal());
  }

  private static TokenClaims hand() {
    return TokenClaims.forHost("localhost:9443", NOW)
        .withConsole("s1", "vm-a")
        .withTimes(NOW, NOW, NOW.plusSeconds(60));
  }

  private Reason rejection(TokenClaims claims) {
    String token = signRaw(key.privateKey(), header("k1"), claims.toJson().toString());
    return assertThrows(TokenRejectedException.class, () -> verifier.verify(token)).reason();
  }

  @Test
  void signsAndVerifiesAnSsoTokenRoundTrip() throws Exception {
    ConsoleClaims claims = ssoClaims(SSO);
    ConsoleClaims verified = verifier.verify(new TokenSigner(key).sign(claims));
    assertEquals(claims, verified);
    assertTrue(verified.isSso());
    assertNotEquals(verified.tokenId(), verified.sso().nonce());
  }

  @Test
  void aVncTokenCarriesNoSsoClaims() throws Exception {
    ConsoleClaims verified = verifier.verify(new TokenSigner(key).sign(TestClaims.validClaims()));
    assertNull(verified.sso());
    assertFalse(verified.isSso());
  }

  @Test
  void rejectsAnSsoTokenWithoutAnyOneOfItsClaims() {
    for (String claim : new String[] {"spn", "nonce", "deleg", "krb"}) {
      TokenClaims claims = hand().withSso(wire(SSO));
      var json = claims.toJson();
      json.remove(claim);
      String token = signRaw(key.privateKey(), header("k1"), json.toString());
      assertEquals(
          Reason.MISSING_CLAIM,
          assertThrows(TokenRejectedException.class, () -> verifier.verify(token)).reason(),
          claim);
    }
  }

  @Test
  void rejectsAnUnknownChannel() {
    assertEquals(Reason.MALFORMED, rejection(hand().withChannel("rdp")));
    ConsoleClaims rdp = TestClaims.validClaims();
    ConsoleClaims bad =
        new ConsoleClaims(
            rdp.issuer(),
            rdp.audience(),
            rdp.subject(),
            rdp.sessionId(),
            rdp.vmUuid(),
            rdp.hostId(),
            "rdp",
            rdp.issuedAt(),
            rdp.notBefore(),
            rdp.expiresAt(),
            rdp.tokenId(),
            rdp.mode());
    assertThrows(IllegalArgumentException.class, () -> new TokenSigner(key).sign(bad));
  }

  @Test
  void rejectsSsoClaimsOnAVncToken() {
    assertEquals(Reason.MALFORMED, rejection(hand().withSsoClaims(wire(SSO)).withChannel("vnc")));
    ConsoleClaims vnc = TestClaims.validClaims();
    ConsoleClaims mixed =
        new ConsoleClaims(
            vnc.issuer(),
            vnc.audience(),
            vnc.subject(),
            vnc.sessionId(),
            vnc.vmUuid(),
            vnc.hostId(),
            ConsoleClaims.CHANNEL_VNC,
            vnc.issuedAt(),
            vnc.notBefore(),
            vnc.expiresAt(),
            vnc.tokenId(),
            vnc.mode(),
            SSO);
    assertThrows(IllegalArgumentException.class, () -> new TokenSigner(key).sign(mixed));
    assertThrows(IllegalArgumentException.class, () -> new TokenSigner(key).sign(ssoClaims(null)));
  }

  @Test
  void rejectsANonceOutsideTheGrammar() {
    for (String nonce :
        new String[] {"short", "has space in it 0123", "a+b/c=d-0123456789", "x".repeat(129)}) {
      SsoClaims bad = new SsoClaims(SSO.spn(), nonce, SSO.delegation(), SSO.principal());
      assertEquals(Reason.MALFORMED, rejection(hand().withSso(wire(bad))), nonce);
      assertThrows(IllegalArgumentException.class, () -> new TokenSigner(key).sign(ssoClaims(bad)));
    }
  }

  @Test
  void rejectsAnSpnThatIsNotAHostPrincipal() {
    for (String spn :
        new String[] {
          "HTTP/web.porthole.test@PORTHOLE.TEST",
          "host/porthole-demo.porthole.test",
          "host/a b@PORTHOLE.TEST",
          "host/" + "a".repeat(250) + "@" + "B".repeat(10),
          "host/x@Y\nhost/z@W"
        }) {
      SsoClaims bad = new SsoClaims(spn, SSO.nonce(), SSO.delegation(), SSO.principal());
      assertEquals(Reason.MALFORMED, rejection(hand().withSso(wire(bad))), spn);
    }
  }

  @Test
  void rejectsAnUnknownDelegationPolicyAndABlankPrincipal() {
    SsoClaims policy = new SsoClaims(SSO.spn(), SSO.nonce(), "sometimes", SSO.principal());
    assertEquals(Reason.MALFORMED, rejection(hand().withSso(wire(policy))));
    SsoClaims spaced = new SsoClaims(SSO.spn(), SSO.nonce(), SSO.delegation(), "alice @X");
    assertEquals(Reason.MALFORMED, rejection(hand().withSso(wire(spaced))));
  }

  @Test
  void ssoTokenOfTheLongestClaimsStaysUnder4KiB() throws Exception {
    String spn = "host/" + "a".repeat(120) + "@" + "B".repeat(129);
    SsoClaims longest =
        new SsoClaims(spn, "n".repeat(128), SsoClaims.OK_AS_DELEGATE, "p".repeat(256));
    ConsoleClaims c = ssoClaims(longest);
    ConsoleClaims claims =
        new ConsoleClaims(
            c.issuer(),
            c.audience(),
            "u".repeat(255),
            c.sessionId(),
            c.vmUuid(),
            "h".repeat(255),
            c.channel(),
            c.issuedAt(),
            c.notBefore(),
            c.expiresAt(),
            "j".repeat(64),
            c.mode(),
            longest);
    String token = new TokenSigner(key).sign(claims);
    assertTrue(token.length() < 4096, "token of " + token.length() + " characters");
    assertEquals(claims, verifier.verify(token));
  }
}
