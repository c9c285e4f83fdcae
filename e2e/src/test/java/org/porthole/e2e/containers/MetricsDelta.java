package org.porthole.e2e.containers;

import org.porthole.testsupport.admin.MetricsScrape;

/** One service's {@code /metrics} before and after what a test did: how far each series moved. */
record MetricsDelta(MetricsScrape before, MetricsScrape after) {

  /**
   * How far the samples named {@code name} with {@code labelPairs} moved; the series must exist
   * afterwards (a series that appears with its first count was 0 before).
   */
  double moved(String name, String... labelPairs) {
    return after.sum(name, labelPairs) - before.sumOrZero(name, labelPairs);
  }

  /** Like {@link #moved}, for a series that may never have been counted (then 0). */
  double movedIfAny(String name, String... labelPairs) {
    return after.sumOrZero(name, labelPairs) - before.sumOrZero(name, labelPairs);
  }
}
