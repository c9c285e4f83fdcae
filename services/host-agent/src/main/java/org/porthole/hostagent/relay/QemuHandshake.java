package org.porthole.hostagent.relay;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * The agent's client side of QEMU's RFB handshake (RFC 6143, 7.1–7.3): ProtocolVersion 3.8,
 * security type VNC Authentication, the DES response to QEMU's challenge made with the console's
 * one-time password, SecurityResult, then the agent's own ClientInit (always shared: QEMU's default
 * share policy drops every other client of the VM when one asks for exclusive access) and QEMU's
 * ServerInit, which is kept for the client. QEMU reports a login (INITIALIZE) at ClientInit, so the
 * relay's login is reported while it still holds the VM's password turn and cannot be confused with
 * a direct login. QEMU's bytes are fed in order, split anywhere; each call says what to send back.
 * The client of the console sees none of this but the ServerInit: it gets the agent's own handshake
 * ({@link ClientGreeting}).
 *
 * <p>Not thread-safe: a console feeds it on its event loop.
 */
final class QemuHandshake {
  /** QEMU's failure reasons are short; a longer one ends the handshake unread. */
  static final int MAX_REASON_BYTES = 1024;

  /** The longest desktop name accepted in ServerInit (QEMU's is the domain's name or title). */
  static final int MAX_NAME_BYTES = 4096;

  /** ServerInit up to its name: width, height, pixel format, name length. */
  static final int SERVER_INIT_HEAD_BYTES = 2 + 2 + 16 + 4;

  /** ClientInit with the shared flag set. */
  static final byte CLIENT_INIT_SHARED = 1;

  static final byte[] RFB_38 = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] VERSION_PREFIX = "RFB 003.".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION_BYTES = 12;
  private static final int SECURITY_VNC_AUTH = 2;
  private static final int MIN_MINOR = 8;

  private enum Step {
    VERSION,
    TYPE_COUNT,
    TYPES,
    CHALLENGE,
    RESULT,
    REASON_LENGTH,
    REASON,
    SERVER_INIT,
    NAME,
    DONE
  }

  private String password;
  private Step step = Step.VERSION;
  private byte[] field = new byte[VERSION_BYTES];
  private int filled;
  private String refusal = "";
  private boolean responseSent;
  private boolean clientInitSent;
  private final ByteArrayOutputStream forClient = new ByteArrayOutputStream();

  /**
   * @param password the one-time password just set on the domain (never logged)
   */
  QemuHandshake(String password) {
    this.password = password;
  }

  /**
   * Consumes QEMU's bytes; returns what to send QEMU now (empty when nothing).
   *
   * @throws AgentException UPSTREAM_UNAVAILABLE when QEMU refuses or speaks something else
   */
  byte[] accept(ByteBuffer in) throws AgentException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (in.hasRemaining() && step != Step.DONE) {
      int n = Math.min(field.length - filled, in.remaining());
      in.get(field, filled, n);
      filled += n;
      if (filled == field.length) {
        step(out);
      }
    }
    if (in.hasRemaining()) {
      // QEMU spoke after ServerInit (it has no reason to): the client gets it, in order.
      forClient.writeBytes(remaining(in));
    }
    return out.toByteArray();
  }

  /** True once QEMU accepted the password and answered the agent's ClientInit. */
  boolean done() {
    return step == Step.DONE;
  }

  /** True once the agent's ClientInit went to QEMU: QEMU reports this login (INITIALIZE). */
  boolean clientInitSent() {
    return clientInitSent;
  }

  /**
   * Once {@link #done}: QEMU's ServerInit and anything QEMU sent after it, the client's answer to
   * its own ClientInit.
   */
  byte[] forClient() {
    return forClient.toByteArray();
  }

  /** True once the password's response went to QEMU (an INITIALIZE event may follow). */
  boolean responseSent() {
    return responseSent;
  }

  private void step(ByteArrayOutputStream out) throws AgentException {
    byte[] f = field;
    switch (step) {
      case VERSION -> {
        version(f);
        out.writeBytes(RFB_38);
        expect(Step.TYPE_COUNT, 1);
      }
      case TYPE_COUNT -> {
        if (f[0] == 0) {
          refusal = "the VNC server refused the connection";
          expect(Step.REASON_LENGTH, 4);
        } else {
          expect(Step.TYPES, f[0] & 0xff);
        }
      }
      case TYPES -> {
        if (!offersVncAuth(f)) {
          throw failed(
              "the VNC server does not offer VNC Authentication (it offers "
                  + Arrays.toString(unsigned(f))
                  + "): the domain needs a VNC password");
        }
        out.write(SECURITY_VNC_AUTH);
        expect(Step.CHALLENGE, VncAuthResponse.CHALLENGE_BYTES);
      }
      case CHALLENGE -> {
        out.writeBytes(VncAuthResponse.of(password, f));
        password = null;
        responseSent = true;
        expect(Step.RESULT, 4);
      }
      case RESULT -> {
        if (u32(f) == 0) {
          out.write(CLIENT_INIT_SHARED);
          clientInitSent = true;
          expect(Step.SERVER_INIT, SERVER_INIT_HEAD_BYTES);
        } else {
          refusal = "the VNC server refused the console's one-time password";
          expect(Step.REASON_LENGTH, 4);
        }
      }
      case REASON_LENGTH -> {
        long length = u32(f);
        if (length == 0 || length > MAX_REASON_BYTES) {
          throw failed(refusal);
        }
        expect(Step.REASON, (int) length);
      }
      case REASON -> throw failed(refusal + ": " + printable(f));
      case SERVER_INIT -> serverInit(f);
      case NAME -> {
        forClient.writeBytes(f);
        finish();
      }
      case DONE -> throw new IllegalStateException("handshake already done");
    }
  }

  private void serverInit(byte[] f) throws AgentException {
    long name = ByteBuffer.wrap(f).getInt(SERVER_INIT_HEAD_BYTES - 4) & 0xffffffffL;
    if (name > MAX_NAME_BYTES) {
      throw failed("the VNC server sent a desktop name of " + name + " bytes");
    }
    forClient.writeBytes(f);
    if (name == 0) {
      finish();
    } else {
      expect(Step.NAME, (int) name);
    }
  }

  private void finish() {
    step = Step.DONE;
    field = new byte[0];
    filled = 0;
  }

  private static byte[] remaining(ByteBuffer in) {
    byte[] rest = new byte[in.remaining()];
    in.get(rest);
    return rest;
  }

  private void expect(Step next, int bytes) {
    step = next;
    field = new byte[bytes];
    filled = 0;
  }

  private static void version(byte[] f) throws AgentException {
    boolean ok =
        Arrays.equals(f, 0, VERSION_PREFIX.length, VERSION_PREFIX, 0, VERSION_PREFIX.length)
            && f[VERSION_BYTES - 1] == '\n';
    int minor = -1;
    if (ok) {
      try {
        minor =
            Integer.parseInt(new String(f, VERSION_PREFIX.length, 3, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok || minor < MIN_MINOR) {
      throw failed(
          "the VNC server does not speak RFB 3.8 (it sent \"" + printable(f).trim() + "\")");
    }
  }

  private static boolean offersVncAuth(byte[] types) {
    for (byte t : types) {
      if (t == SECURITY_VNC_AUTH) {
        return true;
      }
    }
    return false;
  }

  private static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xff;
    }
    return out;
  }

  private static long u32(byte[] f) {
    return ByteBuffer.wrap(f).getInt() & 0xffffffffL;
  }

  private static String printable(byte[] b) {
    String s = new String(b, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?");
    return s.length() > 200 ? s.substring(0, 200) : s;
  }

  private static AgentException failed(String why) {
    return new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, why);
  }
}
