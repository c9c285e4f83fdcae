package org.porthole.engine.auth.keycloak;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.porthole.engine.auth.DirectoryUser;

/**
 * Directory answers kept for a short time. Only answers are kept: a failed look-up is asked again
 * on the next request. Bounded: past {@value #MAX_ENTRIES} keys it starts afresh.
 */
final class LookupCache {

  static final int MAX_ENTRIES = 10_000;

  private record Entry(Optional<DirectoryUser> user, Instant until) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  LookupCache(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  Optional<DirectoryUser> get(String key, Supplier<Optional<DirectoryUser>> lookup) {
    Instant now = clock.instant();
    Entry entry = entries.get(key);
    if (entry != null && now.isBefore(entry.until())) {
      return entry.user();
    }
    Optional<DirectoryUser> user = lookup.get();
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key, new Entry(user, now.plus(ttl)));
    return user;
  }
}
