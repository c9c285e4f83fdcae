package org.porthole.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where and when a run happened: date, machine, JDK, commit, and how it was run. */
public record RunInfo(
    Instant date,
    int cpus,
    String cpuModel,
    long memoryMiB,
    String jdk,
    String commit,
    String mode,
    String clientTransport,
    double connectSeconds) {

  /** Reads the machine from {@code /proc}, the commit from git in {@code repo}. */
  public static RunInfo collect(
      Path repo, String mode, String clientTransport, double connectSeconds) {
    return new RunInfo(
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        Runtime.getRuntime().availableProcessors(),
        cpuModel(read(Path.of("/proc/cpuinfo"))),
        memTotalMiB(read(Path.of("/proc/meminfo"))),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        commit(repo),
        mode,
        clientTransport,
        connectSeconds);
  }

  /** The first {@code model name} of {@code /proc/cpuinfo}, or "unknown". */
  static String cpuModel(String cpuinfo) {
    for (String line : cpuinfo.split("\n")) {
      if (line.startsWith("model name")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          return line.substring(colon + 1).trim();
        }
      }
    }
    return "unknown";
  }

  /** {@code MemTotal} of {@code /proc/meminfo} in MiB, or 0. */
  static long memTotalMiB(String meminfo) {
    for (String line : meminfo.split("\n")) {
      if (line.startsWith("MemTotal:")) {
        String[] parts = line.substring(9).trim().split("\\s+");
        try {
          return Long.parseLong(parts[0]) / 1024;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  /** {@code git rev-parse --short HEAD}, marked when the working tree differs from it. */
  private static String commit(Path repo) {
    String head = git(repo, "rev-parse", "--short", "HEAD");
    if (head.isEmpty()) {
      return "unknown";
    }
    String status = git(repo, "status", "--porcelain", "--untracked-files=no");
    return status.isEmpty() ? head : head + " (with uncommitted changes in the working tree)";
  }

  private static String git(Path repo, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return "";
      }
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }
}
