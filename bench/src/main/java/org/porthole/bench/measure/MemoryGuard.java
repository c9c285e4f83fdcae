package org.porthole.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stops a phase before the machine runs out of memory: a relay that forks a process per connection
 * (websockify) would otherwise drive a shared machine into the OOM killer, which may pick any
 * process. The floor is the larger of 2 GiB and 15 % of the machine's memory.
 */
public final class MemoryGuard {
  private static final long MIN_FLOOR_KIB = 2L * 1024 * 1024;
  private static final double FLOOR_SHARE = 0.15;

  private MemoryGuard() {}

  /** True while MemAvailable is above the floor (also when /proc/meminfo cannot be read). */
  public static boolean enoughMemory() {
    try {
      return enough(Files.readString(Path.of("/proc/meminfo")));
    } catch (IOException e) {
      return true;
    }
  }

  static boolean enough(String meminfo) {
    long total = field(meminfo, "MemTotal:");
    long available = field(meminfo, "MemAvailable:");
    if (total <= 0 || available < 0) {
      return true;
    }
    return available > Math.max(MIN_FLOOR_KIB, (long) (total * FLOOR_SHARE));
  }

  /** A KiB field of /proc/meminfo, or -1 when absent or malformed. */
  static long field(String meminfo, String name) {
    for (String line : meminfo.split("\n")) {
      if (line.startsWith(name)) {
        String[] parts = line.substring(name.length()).trim().split("\\s+");
        try {
          return Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
