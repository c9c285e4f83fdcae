package org.porthole.admin.health;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A check on a dependency that may hang (libvirt, a database): runs the inner check on a thread of
 * its own, answers DOWN when it has not answered within {@code timeout}, and keeps each answer for
 * {@code maxAge} so a burst of probes and scrapes costs the dependency one call. While a call is
 * still out, no second one is started: the next probe waits on the same call.
 */
public final class BoundedCheck implements HealthCheck, AutoCloseable {
  private final HealthCheck inner;
  private final long timeoutNanos;
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;
  private final ExecutorService runner;
  private Future<CheckResult> running;
  private CheckResult last;
  private long lastAt;

  BoundedCheck(HealthCheck inner, Duration timeout, Duration maxAge, LongSupplier nanoClock) {
    this.inner = inner;
    this.timeoutNanos = timeout.toNanos();
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoClock = nanoClock;
    this.runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "health-" + inner.name());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * {@code inner}, bounded to {@code timeout} per call and answered from cache for {@code maxAge}.
   */
  public static BoundedCheck of(HealthCheck inner, Duration timeout, Duration maxAge) {
    return new BoundedCheck(inner, timeout, maxAge, System::nanoTime);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public synchronized CheckResult check() {
    if (last != null && nanoClock.getAsLong() - lastAt < maxAgeNanos) {
      return last;
    }
    if (running == null) {
      running = runner.submit(inner::check);
    }
    CheckResult result;
    try {
      result = running.get(timeoutNanos, TimeUnit.NANOSECONDS);
      running = null;
    } catch (TimeoutException e) {
      result =
          CheckResult.down("no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
    } catch (ExecutionException e) {
      running = null;
      result = CheckResult.down().with("error", e.getCause().getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CheckResult.down("interrupted");
    }
    last = result == null ? CheckResult.down("no answer") : result;
    lastAt = nanoClock.getAsLong();
    return last;
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }
}
