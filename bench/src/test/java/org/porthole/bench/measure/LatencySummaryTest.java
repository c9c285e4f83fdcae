package org.porthole.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void percentilesInMicroseconds() {
    Histogram h = LatencySummary.newHistogram();
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i * 1000L); // 1..1000 µs
    }
    LatencySummary s = LatencySummary.of(h);
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.p50Micros()).isCloseTo(500, within(1.0));
    assertThat(s.p99Micros()).isCloseTo(990, within(1.0));
    assertThat(s.p999Micros()).isCloseTo(999, within(1.0));
  }

  @Test
  void emptyHistogramGivesZeros() {
    assertThat(LatencySummary.of(LatencySummary.newHistogram()))
        .isEqualTo(new LatencySummary(0, 0, 0, 0));
  }

  @Test
  void outliersUpToAMinuteAreTracked() {
    Histogram h = LatencySummary.newHistogram();
    h.recordValue(59_000_000_000L);
    assertThat(LatencySummary.of(h).p50Micros()).isCloseTo(59_000_000, within(59_000.0));
  }
}
