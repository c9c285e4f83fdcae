package org.porthole.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Memory (PSS) and CPU time of relay processes and all their descendants, from {@code /proc}. PSS
 * charges shared pages proportionally, so forked workers (websockify) are not counted once per
 * process for pages they share. CPU counts user + system time of every live process in the tree
 * plus what already-reaped children used ({@code cutime}, {@code cstime}).
 */
public final class ProcStats {
  /**
   * USER_HZ: clock ticks per second in {@code /proc/<pid>/stat} (100 on every Linux ABI Porthole
   * runs on).
   */
  static final double TICKS_PER_SECOND = 100.0;

  private static final int UTIME_AFTER_COMM = 11;

  private ProcStats() {}

  /** PSS in KiB of {@code roots} and their descendants; processes that exited meanwhile count 0. */
  public static long pssKiB(Collection<Long> roots) {
    long total = 0;
    for (long pid : tree(roots)) {
      String text = read(Path.of("/proc", Long.toString(pid), "smaps_rollup"));
      if (text != null) {
        total += parsePssKiB(text);
      }
    }
    return total;
  }

  /**
   * CPU seconds (user + system, reaped children included) of {@code roots} and their descendants.
   */
  public static double cpuSeconds(Collection<Long> roots) {
    long ticks = 0;
    for (long pid : tree(roots)) {
      String text = read(Path.of("/proc", Long.toString(pid), "stat"));
      if (text != null) {
        ticks += parseCpuTicks(text);
      }
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** Threads of {@code roots} and their descendants ({@code Threads:} of {@code status}). */
  public static int threads(Collection<Long> roots) {
    int total = 0;
    for (long pid : tree(roots)) {
      String text = read(Path.of("/proc", Long.toString(pid), "status"));
      if (text != null) {
        total += parseThreads(text);
      }
    }
    return total;
  }

  /** Open file descriptors (sockets included) of {@code roots} and their descendants. */
  public static int descriptors(Collection<Long> roots) {
    int total = 0;
    for (long pid : tree(roots)) {
      String[] fds = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
      total += fds == null ? 0 : fds.length;
    }
    return total;
  }

  /** The {@code Threads:} line of {@code /proc/<pid>/status}. */
  static int parseThreads(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring("Threads:".length()).trim());
      }
    }
    throw new IllegalArgumentException("no Threads line in status");
  }

  /** The {@code Pss:} line of {@code smaps_rollup}, in KiB. */
  static long parsePssKiB(String smapsRollup) {
    for (String line : smapsRollup.split("\n")) {
      if (line.startsWith("Pss:")) {
        String[] parts = line.substring(4).trim().split("\\s+");
        if (parts.length != 2 || !"kB".equals(parts[1])) {
          throw new IllegalArgumentException("unexpected Pss line: " + line);
        }
        return Long.parseLong(parts[0]);
      }
    }
    throw new IllegalArgumentException("no Pss line in smaps_rollup");
  }

  /** utime + stime + cutime + cstime of one {@code /proc/<pid>/stat} line, in clock ticks. */
  static long parseCpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("no command name in stat line");
    }
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    if (f.length < UTIME_AFTER_COMM + 4) {
      throw new IllegalArgumentException(
          "stat line has " + f.length + " fields after the command name");
    }
    long sum = 0;
    for (int i = 0; i < 4; i++) {
      long v = Long.parseLong(f[UTIME_AFTER_COMM + i]);
      if (v < 0) {
        throw new IllegalArgumentException("negative CPU time in stat line");
      }
      sum += v;
    }
    return sum;
  }

  private static Set<Long> tree(Collection<Long> roots) {
    Set<Long> pids = new LinkedHashSet<>();
    for (long root : roots) {
      ProcessHandle.of(root)
          .ifPresent(
              h -> {
                pids.add(h.pid());
                h.descendants().forEach(d -> pids.add(d.pid()));
              });
    }
    return pids;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return null;
    }
  }
}
