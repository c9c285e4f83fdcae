package org.porthole.stack;

/** Polling waits that keep the interrupt flag. */
final class Sleep {
  private Sleep() {}

  static void millis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
