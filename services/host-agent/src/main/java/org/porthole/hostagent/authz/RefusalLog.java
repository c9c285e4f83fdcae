package org.porthole.hostagent.authz;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rate limit of refusal warnings: at most {@link #PER_WINDOW} a minute are written, the rest are
 * counted and the count is written with the next one that passes, so a caller hammering a refused
 * method cannot flood the log.
 *
 * <p>Thread-safe (refusals are rare; one lock is enough).
 */
public final class RefusalLog {
  /** Warnings written per window. */
  public static final int PER_WINDOW = 10;

  static final Duration WINDOW = Duration.ofMinutes(1);
  private static final Logger LOG = Logger.getLogger(RefusalLog.class.getName());

  private final Clock clock;
  private Instant windowStart = Instant.MIN;
  private int written;
  private long suppressed;

  public RefusalLog(Clock clock) {
    this.clock = clock;
  }

  /** Counts one refusal and runs {@code warning} unless this window's quota is spent. */
  public void refused(Runnable warning) {
    long skipped;
    synchronized (this) {
      Instant now = clock.instant();
      if (!now.isBefore(windowStart.plus(WINDOW))) {
        windowStart = now;
        written = 0;
      }
      if (written >= PER_WINDOW) {
        suppressed++;
        return;
      }
      written++;
      skipped = suppressed;
      suppressed = 0;
    }
    if (skipped > 0) {
      LOG.log(Level.WARNING, "{0} more refused calls were not logged", skipped);
    }
    warning.run();
  }
}
