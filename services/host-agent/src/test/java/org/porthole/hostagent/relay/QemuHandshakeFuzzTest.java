package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Fuzz target for the bytes QEMU's VNC server sends the agent during its RFB handshake ({@link
 * QemuHandshake}), cut into reads at arbitrary points: the agent answers the same at any split as
 * for the whole stream, keeps the same ServerInit for the client, refuses only with
 * UPSTREAM_UNAVAILABLE, and never shows the console's password. Seeds in {@code
 * QemuHandshakeFuzzTestInputs/}.
 */
class QemuHandshakeFuzzTest {

  private static final String PASSWORD = "Xq7-one-time";

  private record Run(byte[] sent, byte[] forClient, boolean done, AgentException refusal) {}

  @FuzzTest(maxDuration = "30s")
  void qemuStreamAtAnySplitIsAnsweredAsTheWholeStream(FuzzedDataProvider data) {
    int[] cuts = ViewOnlyFuzzTest.cuts(data);
    byte[] stream = data.consumeRemainingAsBytes();
    Run whole = run(new byte[][] {stream});
    Run split = run(ViewOnlyFuzzTest.split(stream, cuts));

    assertThat(split.refusal() == null).isEqualTo(whole.refusal() == null);
    for (Run r : new Run[] {whole, split}) {
      if (r.refusal() != null) {
        assertThat(r.refusal().status()).isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
        assertThat(r.refusal().getMessage()).doesNotContain(PASSWORD);
      }
    }
    if (whole.refusal() != null) {
      assertThat(
              ViewOnlyFuzzTest.isPrefix(whole.sent(), split.sent())
                  || ViewOnlyFuzzTest.isPrefix(split.sent(), whole.sent()))
          .isTrue();
      return;
    }
    assertThat(split.sent()).isEqualTo(whole.sent());
    assertThat(split.done()).isEqualTo(whole.done());
    if (whole.done()) {
      assertThat(split.forClient()).isEqualTo(whole.forClient());
    }
  }

  private static Run run(byte[][] reads) {
    QemuHandshake handshake = new QemuHandshake(PASSWORD);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (byte[] read : reads) {
      try {
        sent.writeBytes(handshake.accept(ByteBuffer.wrap(read)));
      } catch (AgentException e) {
        return new Run(sent.toByteArray(), null, false, e);
      }
    }
    return new Run(
        sent.toByteArray(),
        handshake.done() ? handshake.forClient() : null,
        handshake.done(),
        null);
  }
}
