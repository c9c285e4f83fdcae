package org.porthole.bench;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.porthole.bench.backend.BackendMode;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.measure.LatencySummary;
import org.porthole.bench.measure.ProcStats;
import org.porthole.bench.phase.BulkPhase;
import org.porthole.bench.phase.ConnectRatePhase;
import org.porthole.bench.phase.FirstConsoles;
import org.porthole.bench.phase.IdlePhase;
import org.porthole.bench.phase.LatencyPhase;
import org.porthole.bench.phase.PhaseFailedException;
import org.porthole.bench.phase.PhasePlan;
import org.porthole.bench.relay.PortholePath;
import org.porthole.bench.relay.RelayPath;
import org.porthole.bench.report.Metric;
import org.porthole.bench.report.PathName;
import org.porthole.bench.report.Results;

/**
 * Runs every phase of the plan against one path and records the numbers, the relay's CPU per phase
 * (split by process group) and notes on anything that failed. A failed phase is a note; the run
 * goes on with the next phase unless the relay itself died.
 */
final class BenchRun {
  /** One measurement step whose numbers go into the results. */
  private interface Step {
    void run() throws PhaseFailedException;
  }

  private final ClientLoop loop;
  private final PhasePlan plan;
  private final Results results;
  private final Progress progress;
  private RelayPath path;

  BenchRun(ClientLoop loop, PhasePlan plan, Results results, Progress progress) {
    this.loop = loop;
    this.plan = plan;
    this.results = results;
    this.progress = progress;
  }

  /**
   * Measures {@code relay} through every phase; {@code beforeIdle} runs just before the idle phase.
   */
  void measure(RelayPath relay, Runnable beforeIdle) {
    this.path = relay;
    PathName p = relay.name();
    boolean alive =
        phase("first console per mode", null, () -> FirstConsoles.open(loop, path))
            && phase(
                "bulk, 1 connection",
                Metric.CPU_BULK_1,
                () -> results.put(Metric.BULK_1, p, BulkPhase.run(loop, path, 1, plan)))
            && phase(
                "bulk, 16 connections",
                Metric.CPU_BULK_16,
                () ->
                    results.put(
                        Metric.BULK_16, p, BulkPhase.run(loop, path, PhasePlan.BULK_MANY, plan)))
            && phase(
                "round trip, 1 connection",
                Metric.CPU_RTT_1,
                () ->
                    latency(
                        List.of(Metric.RTT_1_P50, Metric.RTT_1_P99, Metric.RTT_1_P999),
                        LatencyPhase.run(loop, path, 1, 0, plan)))
            && phase(
                "round trip, 64 unpaced",
                Metric.CPU_RTT_64,
                () ->
                    latency(
                        List.of(Metric.RTT_64_P50, Metric.RTT_64_P99, Metric.RTT_64_P999),
                        LatencyPhase.run(loop, path, PhasePlan.RTT_MANY, 0, plan)))
            && phase(
                "round trip, 64 paced",
                Metric.CPU_RTT_PACED,
                () ->
                    latency(
                        List.of(Metric.RTT_PACED_P50, Metric.RTT_PACED_P99, Metric.RTT_PACED_P999),
                        LatencyPhase.run(
                            loop,
                            path,
                            PhasePlan.RTT_MANY,
                            PhasePlan.PACED_MESSAGES_PER_SECOND,
                            plan)))
            && phase("connection rate", Metric.CPU_CONNECT, this::connectRate);
    if (alive) {
      beforeIdle.run();
      phase("idle connections", Metric.CPU_IDLE, this::idle);
    }
  }

  private void latency(List<Metric> p50p99p999, LatencySummary s) {
    results.put(p50p99p999.get(0), path.name(), s.p50Micros());
    results.put(p50p99p999.get(1), path.name(), s.p99Micros());
    results.put(p50p99p999.get(2), path.name(), s.p999Micros());
  }

  private void connectRate() throws PhaseFailedException {
    if (path instanceof PortholePath) {
      ((PortholePath) path).presignTokens(BackendMode.SINK, plan.connectPoolTokens());
    }
    try {
      ConnectRatePhase.Outcome o = ConnectRatePhase.run(loop, path, plan);
      results.put(Metric.CONNECT_RATE, path.name(), o.perSecond());
      if (o.failed() > 0) {
        results.note(
            path.name(),
            "connection rate: "
                + o.failed()
                + " consoles failed next to "
                + o.established()
                + " established");
      }
    } finally {
      if (path instanceof PortholePath) {
        ((PortholePath) path).presignTokens(BackendMode.SINK, 0);
      }
    }
  }

  private void idle() {
    List<IdlePhase.Level> levels = IdlePhase.run(loop, path, plan);
    IdlePhase.Level last = levels.get(levels.size() - 1);
    results.put(Metric.IDLE_HELD, path.name(), last.stayed());
    if (!path.relayProcesses().isEmpty()) {
      results.put(Metric.IDLE_MEMORY, path.name(), last.kibPerConnection());
    }
    StringBuilder sb =
        new StringBuilder("idle levels (opened / still open after the hold / KiB each):");
    for (IdlePhase.Level l : levels) {
      sb.append(
          String.format(
              Locale.ROOT,
              " %,d → %,d / %,d / %.1f%s;",
              l.attempted(),
              l.opened(),
              l.stayed(),
              l.kibPerConnection(),
              verdict(l)));
    }
    results.note(path.name(), sb.toString());
  }

  private static String verdict(IdlePhase.Level l) {
    if (l.held()) {
      return "";
    }
    return l.stoppedForMemory() ? " FAILED (stopped: machine memory low)" : " FAILED";
  }

  private Set<Metric> measuredSoFar() {
    Set<Metric> set = EnumSet.noneOf(Metric.class);
    for (Metric m : Metric.values()) {
      if (results.get(m, path.name()).isPresent()) {
        set.add(m);
      }
    }
    return set;
  }

  /** The values a step just measured, for the progress line (a long run can be read as it goes). */
  private String newlyMeasured(Set<Metric> before) {
    StringBuilder sb = new StringBuilder();
    for (Metric m : Metric.values()) {
      if (!before.contains(m) && results.get(m, path.name()).isPresent()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "; %s %.4g",
                m.name().toLowerCase(Locale.ROOT),
                results.get(m, path.name()).getAsDouble()));
      }
    }
    return sb.toString();
  }

  /**
   * Runs one step, charging relay CPU to {@code cpu} (null: not reported); false when the relay
   * died.
   */
  private boolean phase(String name, Metric cpu, Step step) {
    progress.say(path.name().label() + ": " + name);
    Map<String, Double> before = cpuByGroup();
    Set<Metric> known = measuredSoFar();
    long start = System.nanoTime();
    try {
      step.run();
      progress.say(
          String.format(
              Locale.ROOT,
              "%s: %s done in %.1f s%s",
              path.name().label(),
              name,
              (System.nanoTime() - start) / 1e9,
              newlyMeasured(known)));
    } catch (PhaseFailedException | RuntimeException e) {
      results.note(path.name(), name + " failed: " + e.getMessage());
      progress.say(path.name().label() + ": " + name + " failed: " + e.getMessage());
    }
    Map<String, Double> after = cpuByGroup();
    if (cpu != null && !after.isEmpty()) {
      double total = 0;
      StringBuilder split = new StringBuilder();
      for (Map.Entry<String, Double> e : after.entrySet()) {
        double used = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
        total += used;
        split.append(String.format(Locale.ROOT, " %s %.2f s", e.getKey(), used));
      }
      results.put(cpu, path.name(), total);
      if (after.size() > 1) {
        results.note(path.name(), "CPU in " + name + ":" + split);
      }
    }
    try {
      path.checkAlive();
      return true;
    } catch (IllegalStateException e) {
      results.note(
          path.name(),
          "relay died during " + name + ": " + e.getMessage().lines().findFirst().orElse(""));
      return false;
    }
  }

  private Map<String, Double> cpuByGroup() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    path.relayGroups().forEach((group, pids) -> cpu.put(group, ProcStats.cpuSeconds(pids)));
    return cpu;
  }
}
