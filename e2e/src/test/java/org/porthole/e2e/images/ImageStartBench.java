package org.porthole.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.stack.host.Ports;

/**
 * How fast each service image starts: {@code ./porthole bench --images} runs this alone on the
 * machine (its name does not end in IT, so the test tiers never run it). Each image is loaded from
 * its tarball, started once uncounted (the first start reads the layers from disk), then {@code
 * porthole.bench.starts} times (5) as {@link ImagesIT} starts it; a start is the time from the
 * container's start (Docker's clock) to the service's listening line. It prints a Markdown table,
 * writes it to {@code porthole.bench.doc} when set, and fails when an image's median is over the
 * issue's target of 3 s. It prints each image's log of its last start (the services' own start
 * timeline); {@code porthole.bench.jvm}, when set, is passed to every start as {@code
 * JAVA_TOOL_OPTIONS}, for experiments such as {@code -Xlog:startuptime} or a CDS archive. With
 * {@code porthole.bench.jvm.b} as well, each image's starts alternate between the two option sets
 * and the table has a "(b)" row per image: an A/B comparison that the machine's drift does not
 * decide (only the first set's medians are held to the target). {@code porthole.bench.images} (e.g.
 * {@code engine,host-agent}) limits a run to those images.
 */
class ImageStartBench {
  private static final Duration TARGET = Duration.ofSeconds(3);

  private interface Launch {
    HardenedRun.Builder run(ImageLaunches launches, ServiceImage image, int port)
        throws IOException;
  }

  @Test
  void eachImageStartsWithinTheTarget() throws Exception {
    int starts = Integer.getInteger("porthole.bench.starts", 5);
    assertThat(starts).as("porthole.bench.starts").isPositive();
    Map<String, Launch> launchers = new LinkedHashMap<>();
    launchers.put("engine", ImageLaunches::engine);
    launchers.put("ws-proxy", ImageLaunches::wsProxy);
    launchers.put("host-agent", ImageLaunches::hostAgent);
    String only = System.getProperty("porthole.bench.images", "");
    if (!only.isBlank()) {
      launchers.keySet().retainAll(List.of(only.split(",")));
      assertThat(launchers).as("porthole.bench.images (engine,ws-proxy,host-agent)").isNotEmpty();
    }
    String load = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
    Map<String, List<Duration>> times = new LinkedHashMap<>();
    // An experiment compares two JVM option sets on the same image, their starts interleaved so
    // that the machine's drift (its neighbours, a build just ended) falls on both alike.
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("", System.getProperty("porthole.bench.jvm", ""));
    String other = System.getProperty("porthole.bench.jvm.b", "");
    if (!other.isBlank()) {
      variants.put(" (b)", other);
    }
    try (ImageLaunches launches = ImageLaunches.start("image-bench")) {
      for (Map.Entry<String, Launch> e : launchers.entrySet()) {
        ServiceImage image = launches.loaded(e.getKey());
        for (int i = 0; i <= starts; i++) {
          for (Map.Entry<String, String> variant : variants.entrySet()) {
            String name = e.getKey() + variant.getKey();
            HardenedRun.Builder builder = e.getValue().run(launches, image, Ports.free());
            if (!variant.getValue().isBlank()) {
              builder.env(Map.of("JAVA_TOOL_OPTIONS", variant.getValue()));
            }
            try (HardenedRun run = builder.start()) {
              Duration t = run.startToReady();
              System.out.printf("image-bench: %s start %d: %d ms%n", name, i, t.toMillis());
              if (i > 0) {
                times.computeIfAbsent(name, n -> new ArrayList<>()).add(t);
              }
              if (i == starts) {
                System.out.printf("image-bench: %s log of the last start:%n%s%n", name, run.log());
              }
            }
          }
        }
      }
      String table = table(launches, starts, load, times);
      System.out.println(table);
      String doc = System.getProperty("porthole.bench.doc", "");
      if (!doc.isBlank()) {
        Files.writeString(Path.of(doc), table, StandardCharsets.UTF_8);
      }
    }
    for (String name : launchers.keySet()) {
      assertThat(median(times.get(name)))
          .as("median start of %s (target %d s)", name, TARGET.toSeconds())
          .isLessThan(TARGET);
    }
  }

  private static String table(
      ImageLaunches launches, int starts, String load, Map<String, List<Duration>> times)
      throws IOException, InterruptedException {
    StringBuilder out = new StringBuilder();
    out.append("# Image start times\n\n")
        .append("Written by `./porthole bench --images` (e2e `ImageStartBench`).\n\n")
        .append("- date: ")
        .append(Instant.now())
        .append('\n')
        .append("- commit: ")
        .append(launches.commit(), 0, 7)
        .append('\n')
        .append("- machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs; /proc/loadavg before: ")
        .append(load)
        .append('\n')
        .append("- method: each image loaded from its tarball, 1 start not counted, then ")
        .append(starts)
        .append(" starts; container start (Docker's clock) to the listening line\n\n")
        .append("| image | median ms | min ms | max ms | target ms | verdict |\n")
        .append("|---|---:|---:|---:|---:|---|\n");
    times.forEach(
        (name, counted) -> {
          List<Duration> sorted = counted.stream().sorted().toList();
          out.append("| ")
              .append(name)
              .append(" | ")
              .append(median(counted).toMillis())
              .append(" | ")
              .append(sorted.get(0).toMillis())
              .append(" | ")
              .append(sorted.get(sorted.size() - 1).toMillis())
              .append(" | ")
              .append(TARGET.toMillis())
              .append(" | ")
              .append(median(counted).compareTo(TARGET) < 0 ? "met" : "missed")
              .append(" |\n");
        });
    return out.toString();
  }

  /** The middle value; of an even count, the mean of the two middle ones. */
  static Duration median(List<Duration> values) {
    List<Duration> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1
        ? sorted.get(n / 2)
        : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
  }
}
