package org.porthole.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetTest {

  private static Target target(Metric m) {
    return Target.issueFive().stream().filter(t -> t.metric() == m).findFirst().orElseThrow();
  }

  @Test
  void bulkRatioAtLeastEightyPercentIsMet() {
    Results r = new Results();
    r.put(Metric.BULK_1, PathName.DIRECT, 1000);
    r.put(Metric.BULK_1, PathName.PORTHOLE, 800);
    assertThat(target(Metric.BULK_1).judge(r)).isEqualTo(Target.Verdict.MET);
    r.put(Metric.BULK_1, PathName.PORTHOLE, 799);
    assertThat(target(Metric.BULK_1).judge(r)).isEqualTo(Target.Verdict.MISSED);
    assertThat(target(Metric.BULK_1).describe(r)).isEqualTo("0.80× direct");
  }

  @Test
  void latencyRatiosAreUpperBounds() {
    Results r = new Results();
    r.put(Metric.RTT_PACED_P99, PathName.DIRECT, 100);
    r.put(Metric.RTT_PACED_P99, PathName.PORTHOLE, 500);
    assertThat(target(Metric.RTT_PACED_P99).judge(r)).isEqualTo(Target.Verdict.MET);
    r.put(Metric.RTT_PACED_P99, PathName.PORTHOLE, 501);
    assertThat(target(Metric.RTT_PACED_P99).judge(r)).isEqualTo(Target.Verdict.MISSED);
  }

  @Test
  void absoluteTargetsJudgePortholeAlone() {
    Results r = new Results();
    r.put(Metric.CONNECT_RATE, PathName.PORTHOLE, 3000);
    r.put(Metric.IDLE_MEMORY, PathName.PORTHOLE, 40);
    r.put(Metric.IDLE_HELD, PathName.PORTHOLE, 9_999);
    assertThat(target(Metric.CONNECT_RATE).judge(r)).isEqualTo(Target.Verdict.MET);
    assertThat(target(Metric.IDLE_MEMORY).judge(r)).isEqualTo(Target.Verdict.MISSED);
    assertThat(target(Metric.IDLE_HELD).judge(r)).isEqualTo(Target.Verdict.MISSED);
  }

  @Test
  void unmeasuredTargetsSaySo() {
    Results r = new Results();
    r.put(Metric.BULK_16, PathName.PORTHOLE, 900);
    assertThat(target(Metric.BULK_16).judge(r)).isEqualTo(Target.Verdict.NOT_MEASURED);
    assertThat(target(Metric.BULK_16).describe(r)).isEqualTo("—");
  }

  @Test
  void coversEveryMeasurableTargetOfIssueFive() {
    assertThat(Target.issueFive())
        .extracting(Target::metric)
        .containsExactly(
            Metric.BULK_1,
            Metric.BULK_16,
            Metric.RTT_PACED_P50,
            Metric.RTT_PACED_P99,
            Metric.CONNECT_RATE,
            Metric.IDLE_HELD,
            Metric.IDLE_MEMORY);
  }
}
