package org.porthole.bench.report;

/**
 * One row of the result table. {@code relayOnly} rows describe the relay processes and have no
 * value for the direct path (there is no relay).
 */
public enum Metric {
  BULK_1("bulk server→client, 1 connection", "MB/s", false),
  BULK_16("bulk server→client, 16 connections", "MB/s", false),
  RTT_1_P50("64-byte round trip p50, 1 connection", "µs", false),
  RTT_1_P99("64-byte round trip p99, 1 connection", "µs", false),
  RTT_1_P999("64-byte round trip p99.9, 1 connection", "µs", false),
  RTT_64_P50("64-byte round trip p50, 64 connections unpaced", "µs", false),
  RTT_64_P99("64-byte round trip p99, 64 connections unpaced", "µs", false),
  RTT_64_P999("64-byte round trip p99.9, 64 connections unpaced", "µs", false),
  RTT_PACED_P50("64-byte round trip p50, 64 connections at 100 msg/s each", "µs", false),
  RTT_PACED_P99("64-byte round trip p99, 64 connections at 100 msg/s each", "µs", false),
  RTT_PACED_P999("64-byte round trip p99.9, 64 connections at 100 msg/s each", "µs", false),
  CONNECT_RATE("new connections per second, 16 at once (banner received)", "1/s", false),
  IDLE_HELD("idle connections held (highest level tried)", "connections", false),
  IDLE_MEMORY("memory per idle connection (PSS of relay processes)", "KiB", true),
  CPU_BULK_1("relay CPU, bulk 1 connection phase", "s", true),
  CPU_BULK_16("relay CPU, bulk 16 connections phase", "s", true),
  CPU_RTT_1("relay CPU, round trip 1 connection phase", "s", true),
  CPU_RTT_64("relay CPU, round trip 64 unpaced phase", "s", true),
  CPU_RTT_PACED("relay CPU, round trip 64 paced phase", "s", true),
  CPU_CONNECT("relay CPU, connection rate phase", "s", true),
  CPU_IDLE("relay CPU, idle phase (all levels)", "s", true);

  private final String label;
  private final String unit;
  private final boolean relayOnly;

  Metric(String label, String unit, boolean relayOnly) {
    this.label = label;
    this.unit = unit;
    this.relayOnly = relayOnly;
  }

  public String label() {
    return label;
  }

  public String unit() {
    return unit;
  }

  public boolean relayOnly() {
    return relayOnly;
  }
}
