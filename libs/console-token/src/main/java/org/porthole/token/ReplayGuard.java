package org.porthole.token;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers redeemed token ids ({@code jti}) until their token can no longer verify (expiry plus
 * the 5 s skew), so each token opens at most one console. Memory is bounded: at {@link
 * #MAX_ENTRIES} unexpired ids it refuses new ones rather than forget one that could still be
 * replayed. Thread-safe: the map is concurrent and the purge is idempotent.
 */
public final class ReplayGuard {

  /** Most token ids remembered at once. */
  public static final int MAX_ENTRIES = 1_000_000;

  private final Clock clock;
  private final int maxEntries;
  private final Map<String, Instant> redeemed = new ConcurrentHashMap<>();
  private volatile Instant nextPurge = Instant.MIN;

  public ReplayGuard(Clock clock) {
    this(clock, MAX_ENTRIES);
  }

  /** With a smaller cap, for tests. */
  ReplayGuard(Clock clock, int maxEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxEntries = maxEntries;
  }

  /**
   * Redeems {@code jti}: true the first time for a token that has not expired, false afterwards,
   * for a token already beyond expiry plus skew, or when the guard is full.
   */
  public boolean redeem(String jti, Instant expiresAt) {
    if (jti == null || jti.isEmpty() || expiresAt == null) {
      return false;
    }
    Instant now = clock.instant();
    Instant forgetAt = expiresAt.plus(ConsoleTokenFormat.SKEW);
    if (!forgetAt.isAfter(now)) {
      return false;
    }
    if (!now.isBefore(nextPurge)) {
      purge(now);
    }
    if (redeemed.size() >= maxEntries) {
      purge(now);
      if (redeemed.size() >= maxEntries) {
        return false;
      }
    }
    return redeemed.putIfAbsent(jti, forgetAt) == null;
  }

  /** Number of ids remembered now (expired ones may linger until the next purge). */
  public int size() {
    return redeemed.size();
  }

  private void purge(Instant now) {
    nextPurge = now.plusSeconds(1);
    redeemed.values().removeIf(forgetAt -> !forgetAt.isAfter(now));
  }
}
