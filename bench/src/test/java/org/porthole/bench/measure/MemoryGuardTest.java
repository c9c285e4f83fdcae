package org.porthole.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryGuardTest {

  @Test
  void stopsBelowFifteenPercentOfABigMachine() {
    assertThat(MemoryGuard.enough("MemTotal: 24000000 kB\nMemAvailable: 3700000 kB\n")).isTrue();
    assertThat(MemoryGuard.enough("MemTotal: 24000000 kB\nMemAvailable: 3500000 kB\n")).isFalse();
  }

  @Test
  void keepsAtLeastTwoGibibytesOnASmallMachine() {
    assertThat(MemoryGuard.enough("MemTotal: 4000000 kB\nMemAvailable: 2000000 kB\n")).isFalse();
    assertThat(MemoryGuard.enough("MemTotal: 4000000 kB\nMemAvailable: 2200000 kB\n")).isTrue();
  }

  @Test
  void malformedMeminfoDoesNotStopTheRun() {
    assertThat(MemoryGuard.enough("")).isTrue();
    assertThat(MemoryGuard.enough("MemTotal: lots kB\nMemAvailable: 1 kB\n")).isTrue();
    assertThat(MemoryGuard.field("MemAvailable: \n", "MemAvailable:")).isEqualTo(-1);
  }

  @Test
  void readsThisMachine() {
    assertThat(MemoryGuard.field("MemTotal:       24683616 kB\n", "MemTotal:"))
        .isEqualTo(24_683_616);
  }
}
