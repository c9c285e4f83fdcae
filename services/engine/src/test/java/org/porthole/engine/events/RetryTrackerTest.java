package org.porthole.engine.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryTrackerTest {

  @Test
  void skipsARecordAfterRepeatedFailures() {
    RetryTracker tracker = new RetryTracker(3);
    assertThat(tracker.failed("t", 0, 7)).isFalse();
    assertThat(tracker.failed("t", 0, 7)).isFalse();
    assertThat(tracker.failed("t", 0, 7)).isTrue();
  }

  @Test
  void countsEachRecordOnItsOwn() {
    RetryTracker tracker = new RetryTracker(2);
    assertThat(tracker.failed("t", 0, 7)).isFalse();
    assertThat(tracker.failed("t", 1, 7)).isFalse();
    assertThat(tracker.failed("t", 0, 7)).isFalse();
  }

  @Test
  void successResetsTheCount() {
    RetryTracker tracker = new RetryTracker(2);
    assertThat(tracker.failed("t", 0, 7)).isFalse();
    tracker.succeeded();
    assertThat(tracker.failed("t", 0, 7)).isFalse();
  }
}
