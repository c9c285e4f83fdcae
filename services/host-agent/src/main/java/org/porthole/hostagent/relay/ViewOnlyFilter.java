package org.porthole.hostagent.relay;

import java.nio.ByteBuffer;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Keeps a view-only console's input away from QEMU (token {@code mode=view}): the client's bytes
 * after the agent's own handshake ({@link ClientGreeting}, which ends with the client's ClientInit;
 * QEMU got the agent's shared one) are parsed as RFB client messages, and only what shows the
 * picture reaches QEMU. Keys, pointer, clipboard, QEMU's extended key events, xvp (reboot,
 * shutdown) and SetDesktopSize are dropped. Anything the filter cannot parse ends the console with
 * BAD_REQUEST: no byte reaches QEMU unparsed.
 *
 * <p>Why parse instead of pattern-match: RFB has no framing, so one message may be split across
 * data frames at any byte and one frame may hold several messages. The filter holds at most {@link
 * #MAX_HEAD} bytes (the part of a message that tells its length), streams the rest of a passed
 * message through, and skips a dropped payload without buffering it.
 *
 * <p>Threading: not thread-safe; a console feeds its client bytes in order, one frame at a time.
 */
final class ViewOnlyFilter {
  /** Clipboard payloads above this end the console (QEMU's own limit is the same, 1 MiB). */
  static final int MAX_CUT_TEXT_BYTES = 1 << 20;

  /** RFB's limit for a Fence payload. */
  static final int MAX_FENCE_PAYLOAD = 64;

  /** The longest prefix needed to know a message's length (a Fence's). */
  static final int MAX_HEAD = 12;

  // Client message types (RFC 6143 and the community registry) and QEMU's submessages.
  private static final int SET_PIXEL_FORMAT = 0;
  private static final int SET_ENCODINGS = 2;
  private static final int FRAMEBUFFER_UPDATE_REQUEST = 3;
  private static final int KEY_EVENT = 4;
  private static final int POINTER_EVENT = 5;
  private static final int CLIENT_CUT_TEXT = 6;
  private static final int ENABLE_CONTINUOUS_UPDATES = 150;
  private static final int FENCE = 248;
  private static final int XVP = 250;
  private static final int SET_DESKTOP_SIZE = 251;
  private static final int QEMU = 255;
  private static final int QEMU_EXTENDED_KEY = 0;
  private static final int QEMU_AUDIO = 1;
  private static final int AUDIO_ENABLE = 0;
  private static final int AUDIO_DISABLE = 1;
  private static final int AUDIO_SET_FORMAT = 2;

  private enum Step {
    MESSAGE,
    FAILED
  }

  private enum Action {
    PASS,
    DROP
  }

  /** What to do with the message whose head is held: its whole length, and the step after it. */
  private record Verdict(long length, Action action, Step next) {
    static Verdict pass(long length) {
      return new Verdict(length, Action.PASS, Step.MESSAGE);
    }

    static Verdict drop(long length) {
      return new Verdict(length, Action.DROP, Step.MESSAGE);
    }
  }

  private final byte[] head = new byte[MAX_HEAD];
  private int headLength;
  private Step step = Step.MESSAGE;

  /** Bytes of the current message after its head, still to pass or skip. */
  private long rest;

  private boolean passing;
  private long dropped;

  /**
   * The bytes of {@code in} (consumed) that may reach QEMU, in order; empty when none. May include
   * held bytes of earlier frames, so it can be a little longer than {@code in}.
   *
   * @throws AgentException BAD_REQUEST for anything that is not a permitted RFB client stream; the
   *     filter refuses all later input too
   */
  ByteBuffer filter(ByteBuffer in) throws AgentException {
    if (step == Step.FAILED) {
      throw refused("the console already sent input the view-only filter refused");
    }
    byte[] out = new byte[in.remaining() + MAX_HEAD];
    int n = 0;
    while (in.hasRemaining()) {
      if (rest > 0) {
        int chunk = (int) Math.min(rest, in.remaining());
        if (passing) {
          in.get(out, n, chunk);
          n += chunk;
        } else {
          in.position(in.position() + chunk);
        }
        rest -= chunk;
        continue;
      }
      head[headLength++] = in.get();
      Verdict v = decide();
      if (v != null) {
        n = apply(v, out, n);
      }
    }
    return ByteBuffer.wrap(out, 0, n);
  }

  /** Input messages dropped so far (keys, pointer, clipboard, ...). */
  long droppedMessages() {
    return dropped;
  }

  /** Bytes held until the rest of a message's head arrives (at most {@link #MAX_HEAD}). */
  int heldBytes() {
    return headLength;
  }

  private int apply(Verdict v, byte[] out, int n) {
    int at = n;
    switch (v.action()) {
      case PASS -> {
        System.arraycopy(head, 0, out, at, headLength);
        at += headLength;
      }
      case DROP -> dropped++;
    }
    rest = v.length() - headLength;
    passing = v.action() != Action.DROP;
    step = v.next();
    headLength = 0;
    return at;
  }

  /** The verdict once the held head tells the message's length; null while more is needed. */
  private Verdict decide() throws AgentException {
    try {
      return switch (step) {
        case MESSAGE -> message();
        case FAILED -> throw refused("the filter failed earlier");
      };
    } catch (AgentException e) {
      step = Step.FAILED;
      throw e;
    }
  }

  private Verdict message() throws AgentException {
    int type = u8(0);
    return switch (type) {
      case SET_PIXEL_FORMAT -> Verdict.pass(20);
      case SET_ENCODINGS -> headLength < 4 ? null : Verdict.pass(4 + 4L * u16(2));
      case FRAMEBUFFER_UPDATE_REQUEST, ENABLE_CONTINUOUS_UPDATES -> Verdict.pass(10);
      case KEY_EVENT -> Verdict.drop(8);
      case POINTER_EVENT -> Verdict.drop(6);
      case CLIENT_CUT_TEXT -> headLength < 8 ? null : cutText();
      case FENCE -> headLength < 9 ? null : fence();
      case XVP -> Verdict.drop(4);
      case SET_DESKTOP_SIZE -> headLength < 8 ? null : Verdict.drop(8 + 16L * u8(6));
      case QEMU -> headLength < 2 ? null : qemu();
      default -> throw refused("unknown RFB client message type " + type);
    };
  }

  /** Text (length ≥ 0) or extended clipboard (negative length): dropped, payload skipped. */
  private Verdict cutText() throws AgentException {
    long length = Math.abs((long) s32(4));
    if (length > MAX_CUT_TEXT_BYTES) {
      throw refused("clipboard message of " + length + " bytes exceeds " + MAX_CUT_TEXT_BYTES);
    }
    return Verdict.drop(8 + length);
  }

  private Verdict fence() throws AgentException {
    int length = u8(8);
    if (length > MAX_FENCE_PAYLOAD) {
      throw refused("fence payload of " + length + " bytes exceeds " + MAX_FENCE_PAYLOAD);
    }
    return Verdict.pass(9 + length);
  }

  private Verdict qemu() throws AgentException {
    int sub = u8(1);
    if (sub == QEMU_EXTENDED_KEY) {
      return Verdict.drop(12);
    }
    if (sub != QEMU_AUDIO) {
      throw refused("unknown QEMU client message " + sub);
    }
    if (headLength < 4) {
      return null;
    }
    int operation = u16(2);
    return switch (operation) {
      case AUDIO_ENABLE, AUDIO_DISABLE -> Verdict.pass(4);
      case AUDIO_SET_FORMAT -> Verdict.pass(10);
      default -> throw refused("unknown QEMU audio operation " + operation);
    };
  }

  private int u8(int at) {
    return head[at] & 0xff;
  }

  private int u16(int at) {
    return (u8(at) << 8) | u8(at + 1);
  }

  private int s32(int at) {
    return (u16(at) << 16) | u16(at + 2);
  }

  private static AgentException refused(String why) {
    return new AgentException(PortholeStatus.BAD_REQUEST, "view-only console: " + why);
  }
}
