package org.porthole.admin.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BoundedCheckTest {
  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger calls = new AtomicInteger();

  @Test
  void answersFromCacheWithinMaxAge() {
    HealthCheck inner =
        HealthCheck.of(
            "libvirt",
            () -> {
              calls.incrementAndGet();
              return CheckResult.UP;
            });
    try (BoundedCheck check =
        new BoundedCheck(inner, Duration.ofSeconds(5), Duration.ofSeconds(1), now::get)) {
      for (int i = 0; i < 50; i++) {
        assertThat(check.check().up()).isTrue();
      }
      assertThat(calls).as("a burst costs one call").hasValue(1);
      now.addAndGet(Duration.ofMillis(1001).toNanos());
      check.check();
      assertThat(calls).hasValue(2);
      assertThat(check.name()).isEqualTo("libvirt");
    }
  }

  @Test
  void aHungCallIsDownWithinTheTimeoutAndNotStartedTwice() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HealthCheck inner =
        HealthCheck.of(
            "libvirt",
            () -> {
              calls.incrementAndGet();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return CheckResult.UP;
            });
    try (BoundedCheck check =
        new BoundedCheck(inner, Duration.ofMillis(200), Duration.ZERO, System::nanoTime)) {
      long start = System.nanoTime();
      CheckResult first = check.check();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(first.up()).isFalse();
      assertThat(first.data()).containsEntry("reason", "no answer within 200 ms");
      assertThat(tookMs).isBetween(150L, 5000L);
      assertThat(check.check().up()).isFalse();
      assertThat(calls).as("the hung call is waited on, not repeated").hasValue(1);

      release.countDown();
      // The released call answers the next check; the one after starts a new call. A loaded
      // machine may not run a call within 200 ms: each such try is a DOWN that leaves one call
      // out, so the count may exceed the ideal by exactly the DOWNs seen.
      int downs = untilUp(check);
      assertThat(calls.get()).isBetween(1, 1 + downs);
      int answered = calls.get();
      downs = untilUp(check);
      assertThat(calls.get()).isBetween(answered + 1, answered + 1 + downs);
    }
  }

  @Test
  void aFailingCallIsDownWithTheExceptionClass() {
    HealthCheck inner =
        HealthCheck.of(
            "libvirt",
            () -> {
              throw new IllegalStateException("secret detail");
            });
    try (BoundedCheck check =
        new BoundedCheck(inner, Duration.ofSeconds(5), Duration.ZERO, System::nanoTime)) {
      CheckResult result = check.check();
      assertThat(result.up()).isFalse();
      assertThat(result.data()).containsEntry("error", "IllegalStateException");
      assertThat(result.data().values()).noneMatch(v -> v.contains("secret"));
    }
  }

  /** Checks until UP (at most 30 s); returns how many DOWN answers came first. */
  private static int untilUp(BoundedCheck check) {
    int downs = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!check.check().up()) {
      downs++;
      assertThat(System.nanoTime()).as("UP again within 30 s").isLessThan(deadline);
    }
    return downs;
  }
}
