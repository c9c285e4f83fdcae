package org.porthole.bench.measure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.porthole.stack.host.ChildProcess;

/**
 * The Java heap in use of relay JVMs, from {@code jcmd <pid> GC.heap_info}: read right after a full
 * GC it is the live data. The sum of each generation's (or the whole heap's) {@code used}.
 */
public final class JvmHeap {
  /** "def new generation total 9792K, used 1234K", "garbage-first heap total 256M, used 12M". */
  private static final Pattern SPACE =
      Pattern.compile(
          "^\\s*(?:def new generation|tenured generation|garbage-first heap|PSYoungGen|ParOldGen"
              + "|ZHeap)\\s+total\\s+\\d+[KMG],\\s+used\\s+(\\d+)([KMG])",
          Pattern.MULTILINE);

  private JvmHeap() {}

  /** The heap in use of each JVM in {@code pids}, summed, in KiB. */
  public static long usedKiB(Collection<Long> pids) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    long total = 0;
    for (long pid : pids) {
      try {
        total +=
            parseUsedKiB(
                ChildProcess.run(
                    List.of(jcmd, Long.toString(pid), "GC.heap_info"), Duration.ofSeconds(30)));
      } catch (IOException e) {
        throw new IllegalStateException(
            "jcmd GC.heap_info failed for relay process " + pid + ": " + e.getMessage(), e);
      }
    }
    return total;
  }

  /** The sum of the {@code used} figures of {@code GC.heap_info}'s heap lines, in KiB. */
  static long parseUsedKiB(String heapInfo) {
    Matcher m = SPACE.matcher(heapInfo);
    long total = 0;
    boolean found = false;
    while (m.find()) {
      found = true;
      long value = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "G" -> value * 1024 * 1024;
            case "M" -> value * 1024;
            default -> value;
          };
    }
    if (!found) {
      throw new IllegalArgumentException("no heap line in GC.heap_info");
    }
    return total;
  }
}
