package org.porthole.bench.phase;

import java.time.Duration;

/**
 * How many consoles a soak holds and for how long, which share of them trickles input and how often
 * it samples. {@link #full()} is issue 14's: 10,000 consoles for 30 minutes, 1% typing.
 *
 * @param consoles consoles held
 * @param hold how long they are held once all are open
 * @param tricklePerHundred how many of every hundred consoles send input
 * @param trickleEvery how often each of those sends a pointer event
 * @param sampleEvery how often the hold is sampled (open consoles, CPU, PSS)
 */
public record SoakPlan(
    int consoles,
    Duration hold,
    int tricklePerHundred,
    Duration trickleEvery,
    Duration sampleEvery) {

  public SoakPlan {
    if (consoles < 100 || tricklePerHundred < 1 || tricklePerHundred > 100) {
      throw new IllegalArgumentException(
          "a soak holds at least 100 consoles and trickles on 1 to 100 of each hundred");
    }
  }

  public static SoakPlan full() {
    return new SoakPlan(
        10_000, Duration.ofMinutes(30), 1, Duration.ofSeconds(1), Duration.ofMinutes(1));
  }

  /** The test suite's: 1,000 consoles for a minute. */
  public static SoakPlan suite() {
    return new SoakPlan(
        1_000, Duration.ofSeconds(60), 1, Duration.ofSeconds(1), Duration.ofSeconds(15));
  }

  /** Whether console {@code i} (from 0) trickles: one in each hundred's first few. */
  boolean trickles(int i) {
    return i % 100 < tricklePerHundred;
  }
}
