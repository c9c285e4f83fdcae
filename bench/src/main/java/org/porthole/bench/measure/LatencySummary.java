package org.porthole.bench.measure;

import org.HdrHistogram.Histogram;

/** Round-trip percentiles in microseconds, with the number of samples behind them. */
public record LatencySummary(double p50Micros, double p99Micros, double p999Micros, long count) {

  /** Highest value a latency histogram tracks: 60 s in nanoseconds, 3 significant digits. */
  public static Histogram newHistogram() {
    return new Histogram(60_000_000_000L, 3);
  }

  /** Percentiles of {@code h} (nanoseconds); zeros when it holds no sample. */
  public static LatencySummary of(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0);
    }
    return new LatencySummary(micros(h, 50.0), micros(h, 99.0), micros(h, 99.9), h.getTotalCount());
  }

  private static double micros(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
