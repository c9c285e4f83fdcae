package org.porthole.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PerformanceDocTest {
  private static final RunInfo INFO =
      new RunInfo(
          Instant.parse("2026-11-22T07:00:00Z"),
          2,
          "AMD EPYC",
          24_105,
          "OpenJDK 17",
          "abc1234",
          "full",
          "epoll",
          5);

  @Test
  void holdsRunFactsTableTargetsAndBounds() {
    Results r = new Results();
    r.put(Metric.CONNECT_RATE, PathName.PORTHOLE, 1000);
    r.put(Metric.CPU_CONNECT, PathName.PORTHOLE, 5);
    r.put(Metric.BULK_1, PathName.DIRECT, 1000);
    r.put(Metric.BULK_1, PathName.PORTHOLE, 900);
    String doc = PerformanceDoc.render(INFO, r);
    assertThat(doc)
        .contains(
            "2026-11-22T07:00:00Z",
            "2 CPUs (AMD EPYC)",
            "24,105 MiB",
            "OpenJDK 17",
            "abc1234",
            "## Results",
            "## Targets (issue 5)",
            "## What bounds each miss");
    assertThat(doc)
        .contains("| bulk throughput ≥ 0.8× direct, 1 connection | 0.90× direct | met |");
    assertThat(doc)
        .contains(
            "| ≥ 3,000 new consoles per second (token verification included) | 1,000 1/s | **missed** |");
    assertThat(doc).contains("1.00 ms of relay CPU per console");
  }

  @Test
  void saysWhenNothingWasMissed() {
    assertThat(PerformanceDoc.bounds(new Results(), 5)).contains("No target was missed");
  }

  @Test
  void readsMachineFacts() {
    assertThat(RunInfo.cpuModel("processor : 0\nmodel name\t: AMD EPYC 7B13\n"))
        .isEqualTo("AMD EPYC 7B13");
    assertThat(RunInfo.cpuModel("nothing here")).isEqualTo("unknown");
    assertThat(RunInfo.memTotalMiB("MemTotal:       24683616 kB\n")).isEqualTo(24_105);
    assertThat(RunInfo.memTotalMiB("MemTotal: lots kB\n")).isZero();
  }
}
