package org.porthole.bench.phase;

import java.time.Duration;
import java.util.List;

/**
 * How long and how large every phase is. {@link #full()} is issue 5's plan; {@link #quick()} checks
 * that every path and phase works in well under a minute.
 */
public record PhasePlan(
    Duration warmUp,
    Duration measure,
    Duration connectWarmUp,
    Duration connectRate,
    List<Integer> idleLevels,
    Duration idleHold,
    int connectPoolTokens) {

  /** Connections of the bulk phases, the round-trip phases and the openers, from issue 5. */
  public static final int BULK_MANY = 16;

  public static final int RTT_MANY = 64;
  public static final int PACED_MESSAGES_PER_SECOND = 100;
  public static final int OPENERS = 16;

  public static PhasePlan full() {
    // Set-up code runs once per console, so the JIT needs many consoles (C2 compiles after
    // thousands of calls) before the rate is the one a long-running relay has: 30 s of warm-up.
    return new PhasePlan(
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        List.of(1_000, 5_000, 10_000),
        Duration.ofSeconds(30),
        60_000);
  }

  public static PhasePlan quick() {
    return new PhasePlan(
        Duration.ofMillis(250),
        Duration.ofSeconds(2),
        Duration.ofMillis(250),
        Duration.ofSeconds(2),
        List.of(100),
        Duration.ofSeconds(2),
        4_000);
  }

  /** The most idle connections the plan opens at once, for the file-descriptor check. */
  public int maxIdle() {
    return idleLevels.stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
