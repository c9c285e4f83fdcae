package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A console whose VNC server is reached only through libvirt, when libvirt refuses to hand the
 * relay's connection to QEMU: the console ends with UPSTREAM_UNAVAILABLE and libvirt's reason, the
 * VM's password turn is left and the handoff socket is gone.
 */
class ConsoleHandoffTest extends InProcessAgentTest {

  @Test
  void libvirtRefusingTheHandoverEndsTheConsoleWithUpstreamUnavailable() throws Exception {
    RecordingObserver rec =
        console(open(tokens.token("handoff-refused", HANDOFF_VM, HOST)), new ArrayList<>());
    Status status = rec.awaitStatus();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(rec.lastClose().getStatus()).isEqualTo("UPSTREAM_UNAVAILABLE");
    assertThat(rec.lastClose().getReason()).contains(HANDOVER_REFUSED);
    assertThat(rec.dataFrames()).as("the client never got a byte").isZero();
    awaitTrue(() -> turns.queued(HANDOFF_VM) == 0);
    try (Stream<Path> left = Files.list(handoffs.directory())) {
      assertThat(left).as("handoff sockets left behind").isEmpty();
    }
    assertThat(relayEvents).noneMatch(e -> e.startsWith("authenticated"));
  }
}
