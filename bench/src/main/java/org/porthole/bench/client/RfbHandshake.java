package org.porthole.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client side of an RFB 3.8 handshake as a benchmark client needs it, on whatever path: the
 * Porthole relay offers security None (the token was the credential), the backend reached directly
 * or through websockify offers VNC Authentication and accepts any response. After SecurityResult OK
 * the client sends ClientInit (shared); the console counts as established at the ServerInit.
 *
 * <p>Not thread-safe: one per channel, on its event loop.
 */
final class RfbHandshake {
  static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  private static final int NONE = 1;
  private static final int VNC_AUTH = 2;
  private static final byte SHARED = 1;
  private static final int SERVER_INIT_HEAD = 24;
  private static final int MAX_NAME = 4096;

  private enum Step {
    VERSION,
    TYPE_COUNT,
    TYPES,
    CHALLENGE,
    RESULT,
    SERVER_INIT,
    NAME,
    DONE
  }

  private Step step = Step.VERSION;
  private byte[] field = new byte[VERSION.length];
  private int filled;

  /**
   * Consumes handshake bytes from {@code in} and returns what to send (null when nothing); leaves
   * what follows the handshake in {@code in}.
   *
   * @throws IllegalStateException when the server speaks something else or refuses
   */
  ByteBuf accept(ByteBuf in) {
    ByteBuf out = null;
    while (step != Step.DONE && in.isReadable()) {
      int n = Math.min(field.length - filled, in.readableBytes());
      in.readBytes(field, filled, n);
      filled += n;
      if (filled < field.length) {
        break;
      }
      byte[] reply = step();
      if (reply != null) {
        out = out == null ? Unpooled.buffer() : out;
        out.writeBytes(reply);
      }
    }
    return out;
  }

  boolean done() {
    return step == Step.DONE;
  }

  private byte[] step() {
    byte[] f = field;
    switch (step) {
      case VERSION -> {
        if (!new String(f, StandardCharsets.US_ASCII).startsWith("RFB 003.")) {
          throw new IllegalStateException("not an RFB server");
        }
        expect(Step.TYPE_COUNT, 1);
        return VERSION;
      }
      case TYPE_COUNT -> {
        if (f[0] == 0) {
          throw new IllegalStateException("the server refused the connection");
        }
        expect(Step.TYPES, f[0] & 0xff);
        return null;
      }
      case TYPES -> {
        for (byte t : f) {
          if (t == NONE) {
            expect(Step.RESULT, 4);
            return new byte[] {NONE};
          }
        }
        for (byte t : f) {
          if (t == VNC_AUTH) {
            expect(Step.CHALLENGE, 16);
            return new byte[] {VNC_AUTH};
          }
        }
        throw new IllegalStateException("the server offers neither None nor VNC Authentication");
      }
      case CHALLENGE -> {
        expect(Step.RESULT, 4);
        return new byte[16]; // the benchmark backend accepts any response
      }
      case RESULT -> {
        if (f[0] != 0 || f[1] != 0 || f[2] != 0 || f[3] != 0) {
          throw new IllegalStateException("the server refused the authentication");
        }
        expect(Step.SERVER_INIT, SERVER_INIT_HEAD);
        return new byte[] {SHARED};
      }
      case SERVER_INIT -> {
        return serverInit(f);
      }
      case NAME -> {
        step = Step.DONE;
        return null;
      }
      default -> throw new IllegalStateException("handshake already done");
    }
  }

  /** ServerInit up to the name's length; done unless a name follows. */
  private byte[] serverInit(byte[] f) {
    long name = ByteBuffer.wrap(f).getInt(SERVER_INIT_HEAD - 4) & 0xffffffffL;
    if (name > MAX_NAME) {
      throw new IllegalStateException("the server's desktop name is " + name + " bytes long");
    }
    if (name == 0) {
      step = Step.DONE;
    } else {
      expect(Step.NAME, (int) name);
    }
    return null;
  }

  private void expect(Step next, int bytes) {
    step = next;
    field = new byte[bytes];
    filled = 0;
  }
}
