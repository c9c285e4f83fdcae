package org.porthole.testsupport.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that tests move by hand; safe to read from other threads. */
public final class MutableClock extends Clock {
  /** Where a clock made without a start stands: a fixed instant, so runs repeat. */
  public static final Instant DEFAULT_START = Instant.parse("2030-01-01T00:00:00Z");

  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  public MutableClock() {
    this(DEFAULT_START);
  }

  /** Moves the clock forward by {@code step} (backward when negative). */
  public void advance(Duration step) {
    now = now.plus(step);
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneOffset getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
