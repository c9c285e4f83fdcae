package org.porthole.admin.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of one {@link HealthCheck}: UP or DOWN, and data to show with it (strings only, kept
 * in insertion order).
 *
 * @param up whether the check passed
 * @param data what to show with the status, e.g. the {@code reason} of a DOWN; never a secret
 */
public record CheckResult(boolean up, Map<String, String> data) {
  /** UP, without data. */
  public static final CheckResult UP = new CheckResult(true, Map.of());

  public CheckResult {
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  public static CheckResult down() {
    return new CheckResult(false, Map.of());
  }

  /** DOWN, with a {@code reason} safe to show. */
  public static CheckResult down(String reason) {
    return down().with("reason", reason);
  }

  /** This result with one more data entry. */
  public CheckResult with(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(data);
    more.put(key, value);
    return new CheckResult(up, more);
  }
}
