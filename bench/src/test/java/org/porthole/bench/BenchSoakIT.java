package org.porthole.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.porthole.bench.backend.BackendProcess;
import org.porthole.bench.client.ClientLoop;
import org.porthole.bench.measure.Footprint;
import org.porthole.bench.phase.SoakPhase;
import org.porthole.bench.phase.SoakPlan;
import org.porthole.bench.relay.PortholePath;
import org.porthole.bench.relay.RelayPath;

/**
 * The soak at the test suite's size ({@link SoakPlan#suite()}: 1,000 consoles held a minute through
 * the real ws-proxy and host agent jars, 1% trickling input): every console opens and stays, every
 * byte of input comes back, and after the close the relay is back to its baseline: descriptors
 * (sockets), threads, heap after a full GC and PSS. {@code ./porthole bench --soak} runs the full
 * size (10,000 for 30 minutes) and writes docs/soak-run.md.
 */
class BenchSoakIT {
  /** Threads a relay may keep past its baseline: pool threads that outlive the hold briefly. */
  private static final int THREAD_SLACK = 8;

  /** PSS may keep what a JVM touched once (code cache, heap pages not yet returned). */
  private static final long PSS_SLACK_KIB = 48 * 1024;

  @Test
  @Timeout(480)
  void aThousandConsolesHeldAMinuteLeaveTheRelayAsItWas() throws Exception {
    SoakPlan plan = SoakPlan.suite();
    FileLimit.require(plan.consoles());
    Path repo = Path.of(System.getProperty("porthole.repo", "..")).toAbsolutePath().normalize();
    Path runDir = Files.createTempDirectory("porthole-soak-it-");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream progress = new PrintStream(log, true, StandardCharsets.UTF_8);
    SoakPhase.Outcome o;
    try (BackendProcess backend = BackendProcess.start(runDir.resolve("backend.log"), 600);
        ClientLoop loop = new ClientLoop(Runtime.getRuntime().availableProcessors());
        RelayPath path = PortholePath.start(repo, backend, runDir, Main.PING_SECONDS)) {
      o = SoakPhase.run(loop, path, plan, progress::println);
    }
    String seen = log.toString(StandardCharsets.UTF_8);
    System.out.print(seen);
    assertThat(o.opened()).as(seen).isEqualTo(plan.consoles());
    assertThat(o.stayed()).as(seen).isEqualTo(plan.consoles());
    assertThat(o.trickling()).isEqualTo(plan.consoles() / 100 * plan.tricklePerHundred());
    assertThat(o.sentBytes()).as("input sent").isGreaterThan(0);
    assertThat(o.echoedBytes()).as("input echoed back").isEqualTo(o.sentBytes());
    assertThat(o.samples()).isNotEmpty().allMatch(s -> s.open() == plan.consoles());
    assertThat(o.held().descriptors() - o.baseline().descriptors())
        .as("descriptors held: the relay keeps sockets for its consoles")
        .isGreaterThanOrEqualTo(plan.consoles());

    Footprint back = o.after().minus(o.baseline());
    System.out.printf("soak-it: after − before: %s%n", back);
    assertThat(back.descriptors()).as(seen).isLessThanOrEqualTo(SoakPhase.DESCRIPTOR_SLACK);
    assertThat(back.threads()).as(seen).isLessThanOrEqualTo(THREAD_SLACK);
    assertThat(back.heapKiB()).as(seen).isLessThanOrEqualTo(SoakPhase.HEAP_SLACK_KIB);
    assertThat(back.pssKiB()).as(seen).isLessThanOrEqualTo(PSS_SLACK_KIB);
  }
}
