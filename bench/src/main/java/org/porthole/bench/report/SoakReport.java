package org.porthole.bench.report;

import java.util.Locale;
import org.porthole.bench.measure.Footprint;
import org.porthole.bench.phase.SoakPhase;

/** The soak's page ({@code ./porthole bench --soak}): the run, the hold, the relay's footprint. */
public final class SoakReport {
  private SoakReport() {}

  public static String render(RunInfo info, SoakPhase.Outcome o) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Soak: consoles held through ws-proxy and host agent\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "`./porthole bench --soak`: %,d consoles opened through the ws-proxy and host agent jars (tokens\n"
                + "checked at both hops) to the benchmark backend, held %d min while the proxy pings them every\n"
                + "5 s and %d of each hundred send an RFB pointer event every %d s through the echo backend, then\n"
                + "all closed. The relay's footprint is read after a full GC before opening, at the end of the\n"
                + "hold and after the close.\n\n",
            o.plan().consoles(),
            o.plan().hold().toMinutes(),
            o.plan().tricklePerHundred(),
            o.plan().trickleEvery().toSeconds()));
    sb.append("- date: ").append(info.date()).append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "- machine: %d CPUs (%s), %,d MiB memory; JDK %s; commit %s%n%n",
            info.cpus(),
            info.cpuModel(),
            info.memoryMiB(),
            info.jdk(),
            info.commit()));
    summary(sb, o);
    footprints(sb, o);
    return sb.toString();
  }

  private static void summary(StringBuilder sb, SoakPhase.Outcome o) {
    sb.append("| | |\n|---|---:|\n");
    row(
        sb,
        "consoles asked / opened / open at the end of the hold",
        String.format(Locale.ROOT, "%,d / %,d / %,d", o.plan().consoles(), o.opened(), o.stayed()));
    row(
        sb,
        "trickling consoles; bytes sent / echoed back",
        String.format(Locale.ROOT, "%d; %,d / %,d", o.trickling(), o.sentBytes(), o.echoedBytes()));
    row(
        sb,
        "relay CPU during the hold",
        String.format(
            Locale.ROOT,
            "%.1f s in %.0f s (%.1f%% of one core)",
            o.holdCpuSeconds(),
            o.holdSeconds(),
            100 * o.cpuShareOfOneCore()));
    row(sb, "PSS per held console", String.format(Locale.ROOT, "%.2f KiB", o.pssKiBPerConsole()));
  }

  private static void footprints(StringBuilder sb, SoakPhase.Outcome o) {
    sb.append(
        "\n| relay (ws-proxy + host agent) | before | end of hold | after close | after − before |\n");
    sb.append("|---|---:|---:|---:|---:|\n");
    Footprint d = o.after().minus(o.baseline());
    footprintRow(
        sb, "PSS (KiB)", o.baseline().pssKiB(), o.held().pssKiB(), o.after().pssKiB(), d.pssKiB());
    footprintRow(
        sb,
        "threads",
        o.baseline().threads(),
        o.held().threads(),
        o.after().threads(),
        d.threads());
    footprintRow(
        sb,
        "descriptors",
        o.baseline().descriptors(),
        o.held().descriptors(),
        o.after().descriptors(),
        d.descriptors());
    footprintRow(
        sb,
        "heap after full GC (KiB)",
        o.baseline().heapKiB(),
        o.held().heapKiB(),
        o.after().heapKiB(),
        d.heapKiB());
    sb.append(
        "\n| into the hold (s) | open | relay CPU (s) | PSS (KiB) |\n|---:|---:|---:|---:|\n");
    for (SoakPhase.Sample s : o.samples()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %d | %,d | %.1f | %,d |%n",
              s.secondsIntoHold(),
              s.open(),
              s.relayCpuSeconds(),
              s.pssKiB()));
    }
  }

  private static void row(StringBuilder sb, String what, String value) {
    sb.append("| ").append(what).append(" | ").append(value).append(" |\n");
  }

  private static void footprintRow(
      StringBuilder sb, String what, long before, long held, long after, long delta) {
    sb.append(
        String.format(
            Locale.ROOT, "| %s | %,d | %,d | %,d | %+,d |%n", what, before, held, after, delta));
  }
}
