package org.porthole.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * {@code docs/performance-run.md}: how the run was made, the table, the targets of issue 5 with
 * met/missed, and for each miss the measured numbers that bound it.
 */
public final class PerformanceDoc {
  private PerformanceDoc() {}

  public static String render(RunInfo info, Results r) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Console relay performance\n\n");
    sb.append(
        "Issue 5's benchmark: the same backend (a Java NIO process that speaks like a VNC server: RFB banner,\n"
            + "then source, sink or echo) reached three ways in one run — `direct` (raw TCP), Debian's `websockify`\n"
            + "(one `websockify 127.0.0.1:P 127.0.0.1:BACKEND` per backend mode) and `porthole` (WebSocket with a\n"
            + "valid token → ws-proxy jar → host agent jar over its benchmark hypervisor double → backend). Run it with\n"
            + "`./porthole bench` (as root it installs `websockify`); `--quick` runs a short version.\n\n");
    sb.append("## Run\n\n");
    sb.append("- date: ").append(info.date()).append('\n');
    sb.append("- machine: ")
        .append(info.cpus())
        .append(" CPUs (")
        .append(info.cpuModel())
        .append("), ")
        .append(String.format(Locale.ROOT, "%,d", info.memoryMiB()))
        .append(" MiB memory\n");
    sb.append("- JDK: ").append(info.jdk()).append('\n');
    sb.append("- commit: ").append(info.commit()).append('\n');
    sb.append("- mode: ")
        .append(info.mode())
        .append("; clients: Netty ")
        .append(info.clientTransport())
        .append(
            ", one event loop per CPU for every connection; everything on 127.0.0.1, on the same cores\n\n");
    sb.append("## Results\n\n").append(MarkdownTable.render(r)).append('\n');
    String notes = MarkdownTable.notes(r);
    if (!notes.isEmpty()) {
      sb.append("Notes:\n\n").append(notes).append('\n');
    }
    sb.append(targets(r));
    sb.append(bounds(r, info.connectSeconds()));
    return sb.toString();
  }

  static String targets(Results r) {
    StringBuilder sb =
        new StringBuilder(
            "## Targets (issue 5)\n\n| target | measured | verdict |\n|---|---|---|\n");
    for (Target t : Target.issueFive()) {
      sb.append("| ")
          .append(t.text())
          .append(" | ")
          .append(t.describe(r))
          .append(" | ")
          .append(verdict(t.judge(r)))
          .append(" |\n");
    }
    sb.append(
        "| proxy's and agent's sockets, threads and memory return to baseline after a run | "
            + "not measured here (a test in the services asserts it) | — |\n\n");
    return sb.toString();
  }

  static String bounds(Results r, double connectSeconds) {
    StringBuilder sb = new StringBuilder("## What bounds each miss\n\n");
    List<Target> missed =
        Target.issueFive().stream().filter(t -> t.judge(r) == Target.Verdict.MISSED).toList();
    if (missed.isEmpty()) {
      return sb.append("No target was missed in this run.\n").toString();
    }
    for (Target t : missed) {
      sb.append("- **")
          .append(t.text())
          .append("** (")
          .append(t.describe(r))
          .append("): ")
          .append(evidence(t.metric(), r, connectSeconds))
          .append('\n');
    }
    return sb.toString();
  }

  /** The measured numbers next to a miss: relay CPU during the phase and the per-process split. */
  static String evidence(Metric metric, Results r, double connectSeconds) {
    Metric cpu = cpuMetricOf(metric);
    OptionalDouble used = r.get(cpu, PathName.PORTHOLE);
    OptionalDouble wsUsed = r.get(cpu, PathName.WEBSOCKIFY);
    StringBuilder sb = new StringBuilder();
    used.ifPresent(
        v ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "Porthole's relay processes used %.2f s of CPU in this " + "phase",
                    v)));
    wsUsed.ifPresent(v -> sb.append(String.format(Locale.ROOT, " (websockify: %.2f s)", v)));
    if (metric == Metric.CONNECT_RATE) {
      OptionalDouble rate = r.get(Metric.CONNECT_RATE, PathName.PORTHOLE);
      if (used.isPresent() && rate.isPresent() && rate.getAsDouble() > 0) {
        // The phase's CPU includes its warm-up, which ran at a lower rate (JIT): an upper bound.
        sb.append(
            String.format(
                Locale.ROOT,
                "; that is at most %.2f ms of relay CPU per console (the phase's CPU over"
                    + " %.0f s of warm-up and measurement at the measured rate)",
                1000 * used.getAsDouble() / (rate.getAsDouble() * connectSeconds),
                connectSeconds));
      }
    }
    if (sb.length() == 0) {
      sb.append("no CPU figure for this phase");
    }
    return sb.append(". See the per-process split in the notes.").toString();
  }

  private static Metric cpuMetricOf(Metric m) {
    switch (m) {
      case BULK_1:
        return Metric.CPU_BULK_1;
      case BULK_16:
        return Metric.CPU_BULK_16;
      case RTT_PACED_P50:
      case RTT_PACED_P99:
        return Metric.CPU_RTT_PACED;
      case CONNECT_RATE:
        return Metric.CPU_CONNECT;
      default:
        return Metric.CPU_IDLE;
    }
  }

  private static String verdict(Target.Verdict v) {
    switch (v) {
      case MET:
        return "met";
      case MISSED:
        return "**missed**";
      default:
        return "not measured";
    }
  }
}
