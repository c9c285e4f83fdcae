package org.porthole.kafka.refusal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * A rate limit that folds bursts instead of losing them: per key, a token bucket lets {@code burst}
 * occurrences through at once and then one every {@code refillNanos}; the ones in between are
 * counted and handed to the next occurrence let through, or to {@link #drain}. Keys beyond {@code
 * maxKeys} share one overflow key, so a flood of distinct keys costs bounded memory. Thread-safe
 * (one lock; every call is a few map operations).
 *
 * @param <K> the key, e.g. a client address
 * @param <V> what is kept of the latest folded occurrence
 */
public final class BurstFolder<K, V> {

  private final int burst;
  private final long refillNanos;
  private final int maxKeys;
  private final K overflowKey;
  private final LongSupplier nanos;
  private final Map<K, Bucket<V>> buckets = new HashMap<>();

  /** A folded key with what to report for it. */
  public record Folded<K, V>(K key, long count, V last) {}

  private static final class Bucket<V> {
    double tokens;
    long refilledAt;
    long folded;
    V last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  public BurstFolder(int burst, long refillNanos, int maxKeys, K overflowKey, LongSupplier nanos) {
    if (burst < 1 || refillNanos < 1 || maxKeys < 1) {
      throw new IllegalArgumentException("burst, refill and maxKeys must be positive");
    }
    this.burst = burst;
    this.refillNanos = refillNanos;
    this.maxKeys = maxKeys;
    this.overflowKey = overflowKey;
    this.nanos = nanos;
  }

  /**
   * Counts one occurrence for {@code key}; {@code value} is kept as the key's latest in case it is
   * folded.
   *
   * @return empty when folded; else how many earlier occurrences were folded into this one
   */
  public synchronized OptionalLong admit(K key, V value) {
    long now = nanos.getAsLong();
    Bucket<V> b = bucket(key, now);
    b.tokens = Math.min(burst, b.tokens + (double) (now - b.refilledAt) / refillNanos);
    b.refilledAt = now;
    if (b.tokens < 1) {
      b.folded++;
      b.last = value;
      return OptionalLong.empty();
    }
    b.tokens -= 1;
    long folded = b.folded;
    b.folded = 0;
    b.last = null;
    return OptionalLong.of(folded);
  }

  /**
   * Takes every key's folded occurrences that no later admitted one carried (so they are reported
   * after all), and forgets keys whose bucket is full again.
   */
  public synchronized List<Folded<K, V>> drain() {
    long now = nanos.getAsLong();
    List<Folded<K, V>> out = new ArrayList<>();
    for (Iterator<Map.Entry<K, Bucket<V>>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<K, Bucket<V>> e = it.next();
      Bucket<V> b = e.getValue();
      if (b.folded > 0) {
        out.add(new Folded<>(e.getKey(), b.folded, b.last));
        b.folded = 0;
        b.last = null;
      }
      double tokens = Math.min(burst, b.tokens + (double) (now - b.refilledAt) / refillNanos);
      if (tokens >= burst) {
        it.remove();
      }
    }
    return out;
  }

  private Bucket<V> bucket(K key, long now) {
    Bucket<V> b = buckets.get(key);
    if (b != null) {
      return b;
    }
    K k = buckets.size() >= maxKeys ? overflowKey : key;
    return buckets.computeIfAbsent(k, x -> new Bucket<>(burst, now));
  }
}
