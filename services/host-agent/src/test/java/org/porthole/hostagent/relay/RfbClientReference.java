package org.porthole.hostagent.relay;

import java.io.ByteArrayOutputStream;

/**
 * A whole-stream reading of RFB client messages (RFC 6143 section 7.5, QEMU's and the community
 * registry's extensions), written apart from {@link ViewOnlyFilter} to check it: which messages a
 * view-only console may pass, and where a stream stops being a permitted one.
 */
final class RfbClientReference {

  private static final int MAX_CUT_TEXT = 1 << 20;
  private static final int MAX_FENCE = 64;

  /**
   * What a view-only console passes of a stream: whole permitted messages, and the started part of
   * a permitted last one once its length is known; {@code refused} when a message is not permitted
   * RFB.
   */
  record Reading(byte[] passed, boolean refused) {}

  /** One message at the start of a buffer: its length, or -1 when more bytes are needed. */
  private record Message(long length, boolean passes) {}

  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
  }

  private RfbClientReference() {}

  static Reading read(byte[] stream) {
    ByteArrayOutputStream passed = new ByteArrayOutputStream();
    int at = 0;
    while (at < stream.length) {
      Message m;
      try {
        m = message(stream, at);
      } catch (Refused e) {
        return new Reading(passed.toByteArray(), true);
      }
      if (m == null) {
        break;
      }
      int end = (int) Math.min(stream.length, at + m.length());
      if (m.passes()) {
        passed.write(stream, at, end - at);
      }
      at = end;
    }
    return new Reading(passed.toByteArray(), false);
  }

  /** How many keyboard, pointer, clipboard or other input messages {@code passed} holds. */
  static int inputMessages(byte[] passed) {
    int inputs = 0;
    int at = 0;
    while (at < passed.length) {
      Message m;
      try {
        m = message(passed, at);
      } catch (Refused e) {
        return inputs + 1;
      }
      if (m == null) {
        return inputs;
      }
      inputs += m.passes() ? 0 : 1;
      at = (int) Math.min(passed.length, at + m.length());
    }
    return inputs;
  }

  /** The message starting at {@code at}; null when its length is not known yet. */
  private static Message message(byte[] s, int at) throws Refused {
    int left = s.length - at;
    int type = u8(s, at);
    switch (type) {
      case 0:
        return new Message(20, true); // SetPixelFormat
      case 2:
        return left < 4 ? null : new Message(4 + 4L * u16(s, at + 2), true); // SetEncodings
      case 3:
      case 150:
        return new Message(10, true); // FramebufferUpdateRequest, EnableContinuousUpdates
      case 4:
        return new Message(8, false); // KeyEvent
      case 5:
        return new Message(6, false); // PointerEvent
      case 6:
        return left < 8 ? null : cutText(s, at); // ClientCutText
      case 248:
        return left < 9 ? null : fence(s, at);
      case 250:
        return new Message(4, false); // xvp
      case 251:
        return left < 8 ? null : new Message(8 + 16L * u8(s, at + 6), false); // SetDesktopSize
      case 255:
        return left < 2 ? null : qemu(s, at, left);
      default:
        throw new Refused();
    }
  }

  private static Message cutText(byte[] s, int at) throws Refused {
    long length = Math.abs((long) s32(s, at + 4));
    if (length > MAX_CUT_TEXT) {
      throw new Refused();
    }
    return new Message(8 + length, false);
  }

  private static Message fence(byte[] s, int at) throws Refused {
    int length = u8(s, at + 8);
    if (length > MAX_FENCE) {
      throw new Refused();
    }
    return new Message(9 + length, true);
  }

  private static Message qemu(byte[] s, int at, int left) throws Refused {
    int sub = u8(s, at + 1);
    if (sub == 0) {
      return new Message(12, false); // extended key event
    }
    if (sub != 1) {
      throw new Refused();
    }
    if (left < 4) {
      return null;
    }
    int operation = u16(s, at + 2);
    if (operation == 0 || operation == 1) {
      return new Message(4, true); // audio enable, disable
    }
    if (operation == 2) {
      return new Message(10, true); // audio set format
    }
    throw new Refused();
  }

  private static int u8(byte[] s, int at) {
    return s[at] & 0xff;
  }

  private static int u16(byte[] s, int at) {
    return (u8(s, at) << 8) | u8(s, at + 1);
  }

  private static int s32(byte[] s, int at) {
    return (u16(s, at) << 16) | u16(s, at + 2);
  }
}
