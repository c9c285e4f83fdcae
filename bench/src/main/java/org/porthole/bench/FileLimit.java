package org.porthole.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The harness holds one descriptor per idle console (and its children the same again), so it checks
 * its open-file limit before starting instead of failing half-way through the idle phase.
 */
final class FileLimit {
  /**
   * Descriptors beyond the idle consoles: JVM, jars, event loops, pipes, bulk and round-trip
   * phases.
   */
  static final long HEADROOM = 2048;

  private FileLimit() {}

  static void require(int idleConsoles) {
    long limit = softLimit(read());
    long needed = idleConsoles + HEADROOM;
    if (limit < needed) {
      throw new IllegalStateException(
          "the open-file limit is "
              + limit
              + " but "
              + idleConsoles
              + " idle consoles need at least "
              + needed
              + ": raise it (ulimit -n 65536, as root if the hard limit is"
              + " lower) before starting the benchmark");
    }
  }

  /**
   * The soft "Max open files" value of a {@code /proc/self/limits} text; Long.MAX_VALUE for
   * unlimited.
   */
  static long softLimit(String limits) {
    for (String line : limits.split("\n")) {
      if (line.startsWith("Max open files")) {
        String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
        if (parts.length < 1) {
          break;
        }
        return "unlimited".equals(parts[0]) ? Long.MAX_VALUE : Long.parseLong(parts[0]);
      }
    }
    throw new IllegalStateException("no 'Max open files' line in /proc/self/limits");
  }

  private static String read() {
    try {
      return Files.readString(Path.of("/proc/self/limits"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/limits: " + e.getMessage(), e);
    }
  }
}
