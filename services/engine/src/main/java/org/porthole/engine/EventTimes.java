package org.porthole.engine;

import java.time.Instant;

/** When an agent's event happened, as the engine stores it. */
public final class EventTimes {

  private EventTimes() {}

  /**
   * The event's time ({@code epochMillis}, 0 or less: unknown, then {@code now}), never later than
   * {@code now}: a host whose clock runs ahead must not keep a state alive or pin it.
   */
  public static Instant occurredAt(long epochMillis, Instant now) {
    if (epochMillis <= 0) {
      return now;
    }
    Instant at = Instant.ofEpochMilli(epochMillis);
    return at.isAfter(now) ? now : at;
  }
}
