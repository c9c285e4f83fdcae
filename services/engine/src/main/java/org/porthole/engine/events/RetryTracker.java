package org.porthole.engine.events;

/**
 * Counts consecutive failures of one record that are not database failures (bugs or bad data the
 * appliers did not catch), so such a record is skipped after a few attempts instead of stalling its
 * partition forever. Used by the consumer thread only: not thread-safe.
 */
final class RetryTracker {

  private final int maxAttempts;
  private String key;
  private int attempts;

  RetryTracker(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  /** Records a failure; true when the record has now failed {@code maxAttempts} times in a row. */
  boolean failed(String topic, int partition, long offset) {
    String current = topic + "-" + partition + "@" + offset;
    if (current.equals(key)) {
      attempts++;
    } else {
      key = current;
      attempts = 1;
    }
    if (attempts >= maxAttempts) {
      succeeded();
      return true;
    }
    return false;
  }

  /** Forgets the failures (a record went through). */
  void succeeded() {
    key = null;
    attempts = 0;
  }
}
