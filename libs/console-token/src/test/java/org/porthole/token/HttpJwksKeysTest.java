package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.porthole.token.TestClaims.NOW;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.clock.MutableClock;
import org.porthole.token.TokenRejectedException.Reason;

/**
 * The caching and rate limiting of {@link HttpJwksKeys}, with the HTTP fetch replaced (no network).
 */
class HttpJwksKeysTest {

  private final MutableClock clock = new MutableClock(NOW);
  private final Ed25519Key k1 = Ed25519Key.generate("k1");
  private final Ed25519Key k2 = Ed25519Key.generate("k2");
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicReference<String> document =
      new AtomicReference<>(Jwks.toJson(Map.of("k1", k1.publicKey())));
  private final HttpJwksKeys keys =
      new HttpJwksKeys(
          clock,
          () -> {
            fetches.incrementAndGet();
            String json = document.get();
            if (json == null) {
              throw new IOException("connection refused");
            }
            return json;
          },
          "test");

  @Test
  void loadsLazilyOnFirstFind() {
    assertEquals(0, fetches.get());
    assertTrue(keys.find("k1").isPresent());
    assertEquals(1, fetches.get());
    assertTrue(keys.find("k1").isPresent());
    assertEquals(1, fetches.get());
  }

  @Test
  void refreshesAtMostOncePer10Seconds() {
    assertTrue(keys.refresh());
    for (int i = 0; i < 50; i++) {
      assertFalse(keys.refresh());
    }
    assertEquals(1, fetches.get());
    clock.advance(Duration.ofSeconds(9));
    assertFalse(keys.refresh());
    clock.advance(Duration.ofSeconds(1));
    assertTrue(keys.refresh());
    assertEquals(2, fetches.get());
  }

  @Test
  void keepsLastGoodKeySetWhenFetchFails() {
    assertTrue(keys.find("k1").isPresent());
    document.set(null);
    clock.advance(Duration.ofSeconds(10));
    assertFalse(keys.refresh());
    assertTrue(keys.find("k1").isPresent());
    document.set(
        "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\",\"x\":\"short\"}]}");
    clock.advance(Duration.ofSeconds(10));
    assertFalse(keys.refresh());
    assertTrue(keys.find("k1").isPresent());
    assertEquals(3, fetches.get());
  }

  @Test
  void failedFirstLoadIsRetriedOnlyAfterTheInterval() {
    document.set(null);
    assertTrue(keys.find("k1").isEmpty());
    assertTrue(keys.find("k1").isEmpty());
    assertEquals(1, fetches.get(), "an engine outage must not turn every token into a fetch");
    document.set(Jwks.toJson(Map.of("k1", k1.publicKey())));
    clock.advance(Duration.ofSeconds(10));
    assertTrue(keys.find("k1").isPresent());
  }

  @Test
  void unknownKidRefetchesOnceAfterRotation() throws Exception {
    TokenVerifier verifier = new TokenVerifier(keys, TestClaims.ISSUER, TestClaims.AUDIENCE, clock);
    verifier.verify(new TokenSigner(k1).sign(TestClaims.validClaims()));
    assertEquals(1, fetches.get());

    document.set(Jwks.toJson(Map.of("k1", k1.publicKey(), "k2", k2.publicKey())));
    clock.advance(Duration.ofSeconds(11));
    MutableClock later = clock;
    ConsoleClaims claims =
        TestClaims.claims(later.instant(), later.instant(), later.instant().plusSeconds(60));
    assertEquals(claims, verifier.verify(new TokenSigner(k2).sign(claims)));
    assertEquals(2, fetches.get());

    Ed25519Key stranger = Ed25519Key.generate("k3");
    for (int i = 0; i < 20; i++) {
      TokenRejectedException e =
          assertThrows(
              TokenRejectedException.class,
              () -> verifier.verify(new TokenSigner(stranger).sign(claims)));
      assertEquals(Reason.UNKNOWN_KEY, e.reason());
    }
    assertEquals(2, fetches.get(), "unknown kids inside the interval do not fetch");
  }

  @Test
  void refusesNonHttpUrl() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new HttpJwksKeys(URI.create("file:///etc/passwd"), clock));
  }
}
