package org.porthole.engine.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The rotation rules for signing keys, free of storage so they can be tested with a fixed clock.
 *
 * <p>The newest unretired key signs. It is due for rotation {@code rotateEvery} after its creation;
 * then a new key signs and the old one is retired but stays published for {@link
 * #RETIRED_KEY_GRACE}, longer than any token lives (120 s), so tokens in flight verify.
 */
public final class KeyRing {

  /** How long a retired key stays in the JWKS. */
  public static final Duration RETIRED_KEY_GRACE = Duration.ofMinutes(10);

  private final Duration rotateEvery;
  private final Clock clock;

  public KeyRing(Duration rotateEvery, Clock clock) {
    if (rotateEvery.compareTo(RETIRED_KEY_GRACE) <= 0) {
      throw new IllegalArgumentException(
          "keys must rotate less often than every " + RETIRED_KEY_GRACE);
    }
    this.rotateEvery = rotateEvery;
    this.clock = clock;
  }

  /** The key that signs now: the newest unretired one. */
  public Optional<StoredKey> signing(List<StoredKey> keys) {
    return keys.stream()
        .filter(key -> key.retiredAt() == null)
        .max(Comparator.comparing(StoredKey::createdAt));
  }

  /** True when there is no signing key or the signing key is older than the rotation period. */
  public boolean rotationDue(List<StoredKey> keys) {
    return signing(keys)
        .map(key -> !key.createdAt().plus(rotateEvery).isAfter(clock.instant()))
        .orElse(true);
  }

  /**
   * The keys whose public half the JWKS serves: unretired ones and those retired within the grace.
   */
  public List<StoredKey> published(List<StoredKey> keys) {
    Instant now = clock.instant();
    List<StoredKey> published = new ArrayList<>();
    for (StoredKey key : keys) {
      if (key.retiredAt() == null || key.retiredAt().plus(RETIRED_KEY_GRACE).isAfter(now)) {
        published.add(key);
      }
    }
    published.sort(Comparator.comparing(StoredKey::createdAt).reversed());
    return published;
  }

  /** The retired keys past their grace: no token signed by them can still be valid. */
  public List<StoredKey> expired(List<StoredKey> keys) {
    List<StoredKey> expired = new ArrayList<>(keys);
    expired.removeAll(published(keys));
    return expired;
  }

  /** The kids to retire when {@code fresh} takes over signing: every unretired key. */
  public List<String> toRetire(List<StoredKey> keys) {
    return keys.stream().filter(key -> key.retiredAt() == null).map(StoredKey::kid).toList();
  }
}
