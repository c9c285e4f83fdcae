package org.porthole.engine.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Parses optional query parameters (null when absent). Errors are 400s that name the parameter and
 * never echo its value.
 */
public final class QueryParams {

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
  private static final int MAX_INSTANT = 40;

  private QueryParams() {}

  /** A page size: {@code fallback} when absent, else 1..{@code max}. */
  public static int limit(String raw, int fallback, int max) {
    if (raw == null) {
      return fallback;
    }
    int value = DIGITS.matcher(raw).matches() ? Integer.parseInt(raw) : -1;
    if (value < 1 || value > max) {
      throw new PortholeException(PortholeStatus.BAD_REQUEST, "limit must be 1.." + max);
    }
    return value;
  }

  /** An ISO-8601 instant such as {@code 2026-11-22T14:00:00Z}, or null when absent. */
  public static Instant instant(String name, String raw) {
    if (raw == null) {
      return null;
    }
    try {
      if (raw.length() <= MAX_INSTANT) {
        return Instant.parse(raw);
      }
    } catch (DateTimeParseException e) {
      // answered below without the value
    }
    throw new PortholeException(
        PortholeStatus.BAD_REQUEST,
        name + " must be an ISO-8601 instant such as" + " 2026-11-22T14:00:00Z");
  }

  /** A UUID, or null when absent. */
  public static UUID uuid(String name, String raw) {
    return raw == null ? null : PathIds.uuid(name, raw);
  }

  /** A positive id of at most 18 digits. */
  public static long id(String name, String raw) {
    if (raw == null || !raw.matches("[0-9]{1,18}") || Long.parseLong(raw) < 1) {
      throw new PortholeException(PortholeStatus.BAD_REQUEST, name + " must be a positive number");
    }
    return Long.parseLong(raw);
  }
}
