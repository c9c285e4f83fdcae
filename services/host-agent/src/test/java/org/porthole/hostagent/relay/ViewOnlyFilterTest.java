package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.porthole.hostagent.TestBytes.bytes;
import static org.porthole.hostagent.TestBytes.concat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * The view-only filter on byte-exact RFB streams after ClientInit (the agent did the handshake,
 * ClientInit included, itself): every message kind at every split point, several messages per
 * frame, and hostile input (unknown types, huge or negative lengths) that must end the console
 * instead of reaching QEMU.
 */
class ViewOnlyFilterTest {
  /** A stream builder: what the client sends, and what QEMU may see of it. */
  static final class Stream {
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    Stream pass(int... bytes) {
      byte[] b = bytes(bytes);
      sent.writeBytes(b);
      kept.writeBytes(b);
      return this;
    }

    Stream pass(byte[] b) {
      sent.writeBytes(b);
      kept.writeBytes(b);
      return this;
    }

    Stream drop(int... bytes) {
      sent.writeBytes(bytes(bytes));
      return this;
    }

    Stream drop(byte[] b) {
      sent.writeBytes(b);
      return this;
    }

    byte[] sent() {
      return sent.toByteArray();
    }

    byte[] kept() {
      return kept.toByteArray();
    }
  }

  static byte[] cutText(int declaredLength, int payloadBytes) {
    byte[] payload = new byte[payloadBytes];
    Arrays.fill(payload, (byte) 'k');
    return concat(
        bytes(6, 0, 0, 0), ByteBuffer.allocate(4).putInt(declaredLength).array(), payload);
  }

  /** One of every client message Porthole knows, a key first. */
  static Stream everyMessage() {
    return new Stream()
        // KeyEvent down 'z' as the very first message
        .drop(4, 1, 0, 0, 0, 0, 0, 'z')
        // SetPixelFormat: type, 3 padding, 16-byte pixel format
        .pass(0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0)
        // SetEncodings: 3 encodings (Raw, CopyRect, QEMU extended key event -258)
        .pass(2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xfe, 0xfe)
        // FramebufferUpdateRequest incremental 0,0 800x600
        .pass(3, 1, 0, 0, 0, 0, 3, 0x20, 2, 0x58)
        // KeyEvent down 'a'
        .drop(4, 1, 0, 0, 0, 0, 0, 'a')
        // PointerEvent button 1 at 100,200
        .drop(5, 1, 0, 100, 0, 200)
        // ClientCutText "secret"
        .drop(cutText(6, 0))
        .drop("secret".getBytes(StandardCharsets.US_ASCII))
        // extended clipboard (negative length): flags word + 4 bytes
        .drop(cutText(-8, 8))
        // EnableContinuousUpdates on, 0,0 800x600
        .pass(150, 1, 0, 0, 0, 0, 3, 0x20, 2, 0x58)
        // Fence, flags, 3-byte payload
        .pass(248, 0, 0, 0, 0x80, 0, 0, 3, 3, 'a', 'b', 'c')
        // xvp: version 1, reboot (3)
        .drop(250, 0, 1, 3)
        // SetDesktopSize 1024x768, 2 screens
        .drop(concat(bytes(251, 0, 4, 0, 3, 0, 2, 0), new byte[32]))
        // QEMU extended key event: down, keysym 'b', keycode 0x30
        .drop(255, 0, 0, 1, 0, 0, 0, 'b', 0, 0, 0, 0x30)
        // QEMU audio enable, disable, set format (u8 fmt, u8 channels, u32 frequency)
        .pass(255, 1, 0, 0)
        .pass(255, 1, 0, 1)
        .pass(255, 1, 0, 2, 3, 2, 0, 0, 0xac, 0x44)
        // SetEncodings with no encodings, and a Fence with no payload
        .pass(2, 0, 0, 0)
        .pass(248, 0, 0, 0, 0, 0, 0, 0, 0)
        // a last key: nothing after the final passed message may leak
        .drop(4, 0, 0, 0, 0, 0, 0, 'z');
  }

  /** Feeds {@code frames} in order and joins what the filter lets through. */
  static byte[] run(ViewOnlyFilter f, List<byte[]> frames) throws AgentException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] frame : frames) {
      ByteBuffer in = ByteBuffer.wrap(frame).asReadOnlyBuffer();
      ByteBuffer kept = f.filter(in);
      assertThat(in.hasRemaining()).as("the frame is consumed").isFalse();
      byte[] b = new byte[kept.remaining()];
      kept.get(b);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  @Test
  void passesThePictureAndDropsEveryInputMessageInOneFrame() throws Exception {
    Stream s = everyMessage();
    ViewOnlyFilter f = new ViewOnlyFilter();
    assertThat(run(f, List.of(s.sent()))).isEqualTo(s.kept());
    assertThat(f.droppedMessages()).isEqualTo(9);
    assertThat(f.heldBytes()).isZero();
  }

  @Test
  void everyMessageAtEverySplitPoint() throws Exception {
    Stream s = everyMessage();
    byte[] sent = s.sent();
    for (int cut = 0; cut <= sent.length; cut++) {
      List<byte[]> frames =
          List.of(Arrays.copyOfRange(sent, 0, cut), Arrays.copyOfRange(sent, cut, sent.length));
      assertThat(run(new ViewOnlyFilter(), frames)).as("split at byte " + cut).isEqualTo(s.kept());
    }
  }

  @Test
  void everyMessageAtEveryPairOfSplitPoints() throws Exception {
    Stream s = everyMessage();
    byte[] sent = s.sent();
    for (int a = 0; a <= sent.length; a++) {
      for (int b = a; b <= sent.length; b++) {
        List<byte[]> frames =
            List.of(
                Arrays.copyOfRange(sent, 0, a),
                Arrays.copyOfRange(sent, a, b),
                Arrays.copyOfRange(sent, b, sent.length));
        assertThat(run(new ViewOnlyFilter(), frames))
            .as("split at " + a + " and " + b)
            .isEqualTo(s.kept());
      }
    }
  }

  @Test
  void oneByteFramesAndRandomFrames() throws Exception {
    Stream s = everyMessage();
    byte[] sent = s.sent();
    List<byte[]> single = new ArrayList<>();
    for (byte b : sent) {
      single.add(new byte[] {b});
    }
    assertThat(run(new ViewOnlyFilter(), single)).isEqualTo(s.kept());
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<byte[]> frames = new ArrayList<>();
      int at = 0;
      while (at < sent.length) {
        int n = Math.min(sent.length - at, random.nextInt(24));
        frames.add(Arrays.copyOfRange(sent, at, at + n));
        at += n;
      }
      assertThat(run(new ViewOnlyFilter(), frames)).as("round " + round).isEqualTo(s.kept());
    }
  }

  @Test
  void largestAllowedClipboardIsSkippedWithoutBeingHeld() throws Exception {
    ViewOnlyFilter f = new ViewOnlyFilter();
    byte[] cut = cutText(ViewOnlyFilter.MAX_CUT_TEXT_BYTES, ViewOnlyFilter.MAX_CUT_TEXT_BYTES);
    for (int at = 0; at < cut.length; at += ConsoleRelays.MAX_CHUNK_BYTES) {
      byte[] frame =
          Arrays.copyOfRange(cut, at, Math.min(cut.length, at + ConsoleRelays.MAX_CHUNK_BYTES));
      assertThat(run(f, List.of(frame))).as("nothing of the clipboard reaches QEMU").isEmpty();
      assertThat(f.heldBytes()).isLessThanOrEqualTo(ViewOnlyFilter.MAX_HEAD);
    }
    byte[] update = bytes(3, 1, 0, 0, 0, 0, 0, 8, 0, 8);
    assertThat(run(f, List.of(update))).isEqualTo(update);
  }

  // --- hostile input: each ends the console (BAD_REQUEST) before the bad bytes reach QEMU ---

  /** What comes before the hostile message: a harmless update request. */
  static final byte[] READY = bytes(3, 1, 0, 0, 0, 0, 0, 8, 0, 8);

  private static void assertRefused(byte[] sent, String reason) {
    ViewOnlyFilter f = new ViewOnlyFilter();
    assertThatThrownBy(() -> run(f, List.of(sent)))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> {
              assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
              assertThat(e.getMessage()).contains(reason);
            });
    assertThatThrownBy(() -> f.filter(ByteBuffer.wrap(bytes(3, 0, 0, 0, 0, 0, 0, 1, 0, 1))))
        .as("a refused stream stays refused")
        .isInstanceOf(AgentException.class);
  }

  @Test
  void rejectsUnknownMessageTypes() {
    for (int type : new int[] {1, 7, 8, 127, 149, 249, 252, 254}) {
      assertRefused(concat(READY, bytes(type, 0, 0, 0)), "unknown RFB client message type " + type);
    }
  }

  @Test
  void rejectsUnknownQemuSubmessagesAndAudioOperations() {
    assertRefused(concat(READY, bytes(255, 2, 0, 0)), "unknown QEMU client message 2");
    assertRefused(concat(READY, bytes(255, 1, 0, 3)), "unknown QEMU audio operation 3");
    assertRefused(concat(READY, bytes(255, 1, 0xff, 0xff)), "unknown QEMU audio operation 65535");
  }

  @Test
  void rejectsHugeClipboardLengthsEitherSign() {
    int over = ViewOnlyFilter.MAX_CUT_TEXT_BYTES + 1;
    assertRefused(concat(READY, cutText(over, 0)), "exceeds");
    assertRefused(concat(READY, cutText(-over, 0)), "exceeds");
    assertRefused(concat(READY, cutText(Integer.MAX_VALUE, 0)), "exceeds");
    assertRefused(concat(READY, cutText(Integer.MIN_VALUE, 0)), "2147483648 bytes exceeds");
  }

  @Test
  void rejectsOversizedFencePayload() {
    assertRefused(concat(READY, bytes(248, 0, 0, 0, 0, 0, 0, 0, 65)), "fence payload of 65");
  }

  @Test
  void nothingBeforeTheRefusedMessageIsHeldBackAndNothingAfterLeaks() throws Exception {
    ViewOnlyFilter f = new ViewOnlyFilter();
    byte[] update = bytes(3, 1, 0, 0, 0, 0, 0, 8, 0, 8);
    assertThat(run(f, List.of(READY, update))).isEqualTo(concat(READY, update));
    assertThatThrownBy(() -> run(f, List.of(bytes(9, 4, 1, 0, 0, 0, 0, 0, 'x'))))
        .isInstanceOf(AgentException.class);
  }
}
