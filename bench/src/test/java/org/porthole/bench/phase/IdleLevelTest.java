package org.porthole.bench.phase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdleLevelTest {

  @Test
  void memoryPerConnectionCancelsASteadyDrift() {
    // 100 consoles worth 10 KiB each on a relay whose memory shrinks 4,000 KiB between readings.
    IdlePhase.Level l = new IdlePhase.Level(100, 100, 100, 100_000, 96_000 + 1_000, 92_000, false);
    assertThat(l.kibPerConnection()).isEqualTo(10.0);
    assertThat(l.held()).isTrue();
  }

  @Test
  void aLevelWithDropsOrMissingConsolesIsNotHeld() {
    assertThat(new IdlePhase.Level(1_000, 508, 508, 0, 0, 0, false).held()).isFalse();
    assertThat(new IdlePhase.Level(1_000, 1_000, 999, 0, 0, 0, false).held()).isFalse();
    assertThat(new IdlePhase.Level(1_000, 0, 0, 5, 5, 5, false).kibPerConnection()).isZero();
  }

  @Test
  void openTimeoutGrowsWithTheLevel() {
    assertThat(IdlePhase.openTimeout(100).toMillis()).isEqualTo(31_000);
    assertThat(IdlePhase.openTimeout(10_000).toMillis()).isEqualTo(130_000);
  }
}
