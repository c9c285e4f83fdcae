package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Fuzz targets for the bytes a console's client sends the host agent: its RFB handshake ({@link
 * ClientGreeting}) and, on a view-only console, every later message ({@link ViewOnlyFilter}), each
 * cut into frames at arbitrary points. The filter is compared with {@link RfbClientReference}, a
 * whole-stream reading of the same messages. Seeds in {@code ViewOnlyFuzzTestInputs/} replay in
 * every test run; {@code ./porthole fuzz} fuzzes each target for a fixed budget.
 */
class ViewOnlyFuzzTest {

  private static final byte[] SERVER_INIT = {2, (byte) 128, 1, (byte) 224, 9, 9, 9};

  /**
   * At any split the filter passes exactly what the whole-stream reference passes (or ends the
   * console where the reference refuses, having passed only a prefix of it), and what it passes
   * holds no input event.
   */
  @FuzzTest(maxDuration = "30s")
  void viewOnlyOutputAtAnySplitIsTheReferenceAndHoldsNoInput(FuzzedDataProvider data) {
    int[] cuts = cuts(data);
    byte[] stream = data.consumeRemainingAsBytes();
    RfbClientReference.Reading expected = RfbClientReference.read(stream);
    ViewOnlyFilter filter = new ViewOnlyFilter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AgentException refusal = null;
    for (byte[] frame : split(stream, cuts)) {
      try {
        ByteBuffer passed = filter.filter(ByteBuffer.wrap(frame));
        out.write(passed.array(), passed.arrayOffset() + passed.position(), passed.remaining());
      } catch (AgentException e) {
        refusal = e;
        break;
      }
    }
    byte[] got = out.toByteArray();
    if (expected.refused()) {
      assertThat(refusal).as("the reference refuses this stream").isNotNull();
      assertThat(refusal.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
      assertThat(isPrefix(got, expected.passed()))
          .as("passed only a prefix of the reference")
          .isTrue();
      assertThatThrownBy(() -> filter.filter(ByteBuffer.wrap(new byte[] {3})))
          .isInstanceOf(AgentException.class);
    } else {
      if (refusal != null) {
        fail("refused a stream the reference accepts: " + refusal.getMessage());
      }
      assertThat(got).isEqualTo(expected.passed());
    }
    assertThat(RfbClientReference.inputMessages(got)).isZero();
  }

  /**
   * The handshake answers the same at any split as for the whole stream, and leaves exactly the
   * bytes after ClientInit for QEMU.
   */
  @FuzzTest(maxDuration = "30s")
  void greetingAtAnySplitAnswersAsForTheWholeStream(FuzzedDataProvider data) {
    int[] cuts = cuts(data);
    byte[] stream = data.consumeRemainingAsBytes();
    Greeted whole = greet(new byte[][] {stream});
    Greeted split = greet(split(stream, cuts));
    assertThat(split.refused()).isEqualTo(whole.refused());
    if (whole.refused()) {
      // The refused call's own answer is not sent, so a split may have sent a little more.
      assertThat(
              isPrefix(whole.replies(), split.replies())
                  || isPrefix(split.replies(), whole.replies()))
          .isTrue();
      return;
    }
    assertThat(split.replies()).isEqualTo(whole.replies());
    assertThat(split.rest()).isEqualTo(whole.rest());
    if (whole.done()) {
      assertThat(whole.replies()).endsWith(SERVER_INIT);
    }
  }

  static boolean isPrefix(byte[] prefix, byte[] of) {
    return prefix.length <= of.length
        && Arrays.equals(prefix, 0, prefix.length, of, 0, prefix.length);
  }

  private record Greeted(byte[] replies, byte[] rest, boolean done, boolean refused) {}

  private static Greeted greet(byte[][] frames) {
    ClientGreeting greeting = new ClientGreeting(SERVER_INIT);
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    for (byte[] frame : frames) {
      ByteBuffer in = ByteBuffer.wrap(frame);
      if (!greeting.done()) {
        try {
          replies.writeBytes(greeting.accept(in));
        } catch (AgentException e) {
          assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
          return new Greeted(replies.toByteArray(), rest.toByteArray(), false, true);
        }
      }
      rest.write(frame, in.position(), in.remaining());
    }
    return new Greeted(replies.toByteArray(), rest.toByteArray(), greeting.done(), false);
  }

  /** Up to 16 frame lengths from the fuzzer's data (0 = the rest of the stream in one frame). */
  static int[] cuts(FuzzedDataProvider data) {
    int[] cuts = new int[data.consumeInt(0, 16)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = data.consumeInt(0, 64);
    }
    return cuts;
  }

  static byte[][] split(byte[] stream, int[] cuts) {
    byte[][] frames = new byte[cuts.length + 1][];
    int at = 0;
    for (int i = 0; i < cuts.length; i++) {
      int end = Math.min(stream.length, at + cuts[i]);
      frames[i] = Arrays.copyOfRange(stream, at, end);
      at = end;
    }
    frames[cuts.length] = Arrays.copyOfRange(stream, at, stream.length);
    return frames;
  }
}
