package org.porthole.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A target of issue 5 and how a run is judged against it: a ratio to direct or an absolute bound on
 * one metric of the Porthole path.
 */
public record Target(
    String text, Metric metric, boolean ratioToDirect, boolean atLeast, double bound) {

  /** Met, missed, or not measured in this run. */
  public enum Verdict {
    MET,
    MISSED,
    NOT_MEASURED
  }

  /** The targets of issue 5 that this benchmark measures. */
  public static List<Target> issueFive() {
    return List.of(
        new Target("bulk throughput ≥ 0.8× direct, 1 connection", Metric.BULK_1, true, true, 0.8),
        new Target(
            "bulk throughput ≥ 0.8× direct, 16 connections", Metric.BULK_16, true, true, 0.8),
        new Target(
            "64-byte round trip p50 ≤ 3× direct at 64 paced connections",
            Metric.RTT_PACED_P50,
            true,
            false,
            3),
        new Target(
            "64-byte round trip p99 ≤ 5× direct at 64 paced connections",
            Metric.RTT_PACED_P99,
            true,
            false,
            5),
        new Target(
            "≥ 3,000 new consoles per second (token verification included)",
            Metric.CONNECT_RATE,
            false,
            true,
            3000),
        new Target(
            "10,000 idle consoles held by one ws-proxy, pings flowing, none dropped",
            Metric.IDLE_HELD,
            false,
            true,
            10_000),
        new Target(
            "≤ 32 KiB per idle connection across ws-proxy and host agent",
            Metric.IDLE_MEMORY,
            false,
            false,
            32));
  }

  /** The measured value this target judges (a ratio or Porthole's own number). */
  public OptionalDouble measured(Results r) {
    return ratioToDirect ? r.ratioToDirect(metric) : r.get(metric, PathName.PORTHOLE);
  }

  public Verdict judge(Results r) {
    OptionalDouble v = measured(r);
    if (v.isEmpty()) {
      return Verdict.NOT_MEASURED;
    }
    double x = v.getAsDouble();
    boolean ok = atLeast ? x >= bound : x <= bound;
    return ok ? Verdict.MET : Verdict.MISSED;
  }

  /** "0.62× direct" or "2,950 1/s". */
  public String describe(Results r) {
    OptionalDouble v = measured(r);
    if (v.isEmpty()) {
      return MarkdownTable.MISSING;
    }
    if (ratioToDirect) {
      return String.format(Locale.ROOT, "%.2f× direct", v.getAsDouble());
    }
    return MarkdownTable.number(v) + " " + metric.unit();
  }
}
