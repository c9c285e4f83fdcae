package org.porthole.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

  @Test
  void readsPssFromSmapsRollup() {
    String rollup =
        "55d0c0000000-7ffd3b7fe000 ---p 00000000 00:00 0  [rollup]\n"
            + "Rss:              123456 kB\nPss:               98765 kB\nPss_Anon:          80000 kB\n";
    assertThat(ProcStats.parsePssKiB(rollup)).isEqualTo(98765);
  }

  @Test
  void refusesRollupWithoutPss() {
    assertThatThrownBy(() -> ProcStats.parsePssKiB("Rss: 1 kB\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Pss");
  }

  @Test
  void refusesPssLineInAnotherUnit() {
    assertThatThrownBy(() -> ProcStats.parsePssKiB("Pss: 12 MB\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sumsUserSystemAndReapedChildrenTicks() {
    String stat =
        "4242 (java) S 1 4242 4242 0 -1 4194560 100 0 0 0 150 50 7 3 20 0 30 0 500 1000 200";
    assertThat(ProcStats.parseCpuTicks(stat)).isEqualTo(150 + 50 + 7 + 3);
  }

  @Test
  void commandNamesWithSpacesAndParenthesesDoNotShiftFields() {
    String stat = "77 (evil ) 1 2 (x) R 1 77 77 0 -1 0 0 0 0 0 10 20 30 40 20 0 1 0 5 6 7";
    assertThat(ProcStats.parseCpuTicks(stat)).isEqualTo(100);
  }

  @Test
  void refusesTruncatedStatLine() {
    assertThatThrownBy(() -> ProcStats.parseCpuTicks("1 (a) S 1 2 3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fields");
  }

  @Test
  void refusesStatLineWithoutCommand() {
    assertThatThrownBy(() -> ProcStats.parseCpuTicks("garbage"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void measuresThisProcess() {
    long self = ProcessHandle.current().pid();
    assertThat(ProcStats.pssKiB(java.util.List.of(self))).isPositive();
    assertThat(ProcStats.cpuSeconds(java.util.List.of(self))).isPositive();
  }

  @Test
  void exitedProcessesCountZero() {
    assertThat(ProcStats.pssKiB(java.util.List.of(Long.MAX_VALUE))).isZero();
  }

  @Test
  void readsThreadsFromStatusAndCountsThisProcess() {
    assertThat(ProcStats.parseThreads("Name:\tjava\nThreads:\t42\nSigQ:\t0/1\n")).isEqualTo(42);
    assertThatThrownBy(() -> ProcStats.parseThreads("Name:\tjava\n"))
        .isInstanceOf(IllegalArgumentException.class);
    java.util.List<Long> self = java.util.List.of(ProcessHandle.current().pid());
    assertThat(ProcStats.threads(self)).isGreaterThanOrEqualTo(Thread.activeCount());
    assertThat(ProcStats.descriptors(self)).isGreaterThanOrEqualTo(3);
  }
}
