package org.porthole.bench.phase;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Bounded waits for the phases; an interrupt ends the run. */
final class Waits {
  private Waits() {}

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark interrupted", e);
    }
  }

  /** True when the latch reached zero within {@code timeout}. */
  static boolean await(CountDownLatch latch, Duration timeout) {
    try {
      return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("benchmark interrupted", e);
    }
  }
}
