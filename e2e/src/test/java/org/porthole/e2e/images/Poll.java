package org.porthole.e2e.images;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking every 100 ms. */
public final class Poll {
  private static final long INTERVAL_MS = 100;

  private Poll() {}

  /** Returns once {@code condition} holds; fails with {@code failure}'s text at the deadline. */
  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> failure)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(failure.get());
      }
      Thread.sleep(INTERVAL_MS);
    }
  }
}
