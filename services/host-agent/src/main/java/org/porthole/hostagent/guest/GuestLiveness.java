package org.porthole.hostagent.guest;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Whether a guest still speaks: every valid message counts as a sign of life, and a check twice per
 * heartbeat interval finds a guest silent for longer than its missed-beats budget. Runs on the
 * event loop.
 */
final class GuestLiveness {
  private final GuestTimings timings;
  private long lastMessageNanos = System.nanoTime();
  private ScheduledFuture<?> timer;

  GuestLiveness(GuestTimings timings) {
    this.timings = timings;
  }

  /** Runs {@code check} twice per heartbeat interval until {@link #stop()}. */
  void start(EventLoop loop, Runnable check) {
    long period = Math.max(1, timings.heartbeat().toMillis() / 2);
    timer = loop.scheduleAtFixedRate(check, period, period, TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  /** A message (or a fresh connection) came now. */
  void heard() {
    lastMessageNanos = System.nanoTime();
  }

  /** Heartbeat intervals without a message before a guest counts as unresponsive. */
  int missedBeats() {
    return timings.missedBeats();
  }

  /** True when nothing came for longer than {@link GuestTimings#unresponsiveAfter()}. */
  boolean silentTooLong() {
    return System.nanoTime() - lastMessageNanos > timings.unresponsiveAfter().toNanos();
  }
}
