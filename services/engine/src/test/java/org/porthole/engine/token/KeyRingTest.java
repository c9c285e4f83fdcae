package org.porthole.engine.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {

  private static final Instant T0 = Instant.parse("2025-05-01T00:00:00Z");
  private static final Duration DAY = Duration.ofHours(24);

  private static KeyRing ringAt(Instant now) {
    return new KeyRing(DAY, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static StoredKey key(String kid, Instant created, Instant retired) {
    return new StoredKey(kid, new byte[] {1}, new byte[] {2}, created, retired);
  }

  @Test
  void rotationIsDueWithoutAnyKey() {
    assertThat(ringAt(T0).rotationDue(List.of())).isTrue();
    assertThat(ringAt(T0).signing(List.of())).isEmpty();
  }

  @Test
  void freshKeySignsUntilTheRotationPeriodEnds() {
    List<StoredKey> keys = List.of(key("a", T0, null));
    assertThat(ringAt(T0.plus(DAY).minusSeconds(1)).rotationDue(keys)).isFalse();
    assertThat(ringAt(T0.plus(DAY)).rotationDue(keys)).isTrue();
  }

  @Test
  void newestUnretiredKeySigns() {
    List<StoredKey> keys =
        List.of(key("old", T0, T0.plusSeconds(60)), key("new", T0.plusSeconds(60), null));
    assertThat(ringAt(T0.plusSeconds(61)).signing(keys)).map(StoredKey::kid).contains("new");
  }

  @Test
  void retiredKeyStaysPublishedForTenMinutes() {
    Instant rotated = T0.plus(DAY);
    List<StoredKey> keys = List.of(key("old", T0, rotated), key("new", rotated, null));

    assertThat(ringAt(rotated).published(keys))
        .extracting(StoredKey::kid)
        .containsExactly("new", "old");
    assertThat(ringAt(rotated.plus(Duration.ofMinutes(10)).minusSeconds(1)).published(keys))
        .extracting(StoredKey::kid)
        .containsExactly("new", "old");
    assertThat(ringAt(rotated.plus(Duration.ofMinutes(10))).published(keys))
        .extracting(StoredKey::kid)
        .containsExactly("new");
  }

  @Test
  void retiredKeyPastItsGraceIsExpired() {
    Instant rotated = T0.plus(DAY);
    List<StoredKey> keys = List.of(key("old", T0, rotated), key("new", rotated, null));

    assertThat(ringAt(rotated.plusSeconds(599)).expired(keys)).isEmpty();
    assertThat(ringAt(rotated.plusSeconds(600)).expired(keys))
        .extracting(StoredKey::kid)
        .containsExactly("old");
  }

  @Test
  void graceOutlivesEveryToken() {
    assertThat(KeyRing.RETIRED_KEY_GRACE)
        .isGreaterThan(Duration.ofSeconds(ConsoleClaimsFactory.MAX_LIFETIME_SECONDS));
  }

  @Test
  void rotationRetiresEveryUnretiredKey() {
    List<StoredKey> keys =
        List.of(
            key("a", T0, null),
            key("b", T0.plusSeconds(1), null),
            key("c", T0.minusSeconds(5), T0));
    assertThat(ringAt(T0.plus(DAY)).toRetire(keys)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void refusesARotationPeriodShorterThanTheGrace() {
    assertThatThrownBy(() -> new KeyRing(Duration.ofMinutes(10), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyMaterialStaysOutOfToString() {
    assertThat(key("a", T0, null).toString()).doesNotContain("privatePkcs8").contains("kid=a");
  }
}
