package org.porthole.hostagent.guest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts occurrences of one kind of trouble and says which deserve a log line: the 1st, 10th,
 * 100th... So a guest that floods bad lines, or stops reading, cannot flood the agent's log.
 */
final class LogThrottle {
  private final AtomicLong count = new AtomicLong();

  /** Counts one occurrence; the new total when it is worth logging, else 0. */
  long count() {
    long n = count.incrementAndGet();
    return worthLogging(n) ? n : 0;
  }

  long total() {
    return count.get();
  }

  /** True for 1, 10, 100, ...: a power of ten. */
  static boolean worthLogging(long n) {
    long p = 1;
    while (p < n && p <= Long.MAX_VALUE / 10) {
      p *= 10;
    }
    return p == n;
  }
}
