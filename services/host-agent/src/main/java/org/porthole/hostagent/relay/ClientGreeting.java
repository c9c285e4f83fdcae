package org.porthole.hostagent.relay;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * The RFB handshake the agent presents to a console's client (RFC 6143, 7.1–7.3) once it has logged
 * in to QEMU itself: ProtocolVersion 3.8 (a client answering 3.7 or 3.3 gets that version's
 * exchange), security type None only, then the client's ClientInit, answered with the ServerInit
 * QEMU sent the agent. The client's shared flag is dropped: QEMU got the agent's shared ClientInit,
 * so no console can ask for exclusive access and disconnect the VM's others. The client holds no
 * VNC password; its console token was the credential. What follows ClientInit (every later message)
 * belongs to QEMU and stays in the caller's buffer.
 *
 * <p>Not thread-safe: a console feeds its client's bytes in order, one frame at a time.
 */
final class ClientGreeting {
  /** What the agent sends first. */
  static final byte[] BANNER = QemuHandshake.RFB_38;

  private static final byte[] RFB_37 = "RFB 003.007\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RFB_33 = "RFB 003.003\n".getBytes(StandardCharsets.US_ASCII);
  private static final int SECURITY_NONE = 1;

  /** Security types offered (3.7, 3.8): one, None. */
  private static final byte[] NONE_ONLY = {1, SECURITY_NONE};

  /** RFB 3.3: the server names the type, a u32. */
  private static final byte[] NONE_33 = {0, 0, 0, SECURITY_NONE};

  /** SecurityResult OK (3.8 sends it for None too). */
  private static final byte[] RESULT_OK = {0, 0, 0, 0};

  private enum Step {
    VERSION,
    SECURITY_TYPE,
    CLIENT_INIT,
    DONE
  }

  private final byte[] serverInit;
  private final byte[] version = new byte[BANNER.length];
  private int versionFilled;
  private Step step = Step.VERSION;
  private boolean rfb38;

  /**
   * @param serverInit QEMU's ServerInit (and anything QEMU sent after it): the answer to the
   *     client's ClientInit
   */
  ClientGreeting(byte[] serverInit) {
    this.serverInit = serverInit.clone();
  }

  /**
   * Consumes the client's handshake bytes from {@code in} (and no more); returns what to send the
   * client now (empty when nothing).
   *
   * @throws AgentException BAD_REQUEST for a version or security type the agent does not offer
   */
  byte[] accept(ByteBuffer in) throws AgentException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (step == Step.VERSION) {
      int n = Math.min(version.length - versionFilled, in.remaining());
      in.get(version, versionFilled, n);
      versionFilled += n;
      if (versionFilled == version.length) {
        out.writeBytes(chooseVersion());
      }
    }
    if (step == Step.SECURITY_TYPE && in.hasRemaining()) {
      int type = in.get() & 0xff;
      if (type != SECURITY_NONE) {
        throw new AgentException(
            PortholeStatus.BAD_REQUEST,
            "the client chose RFB security type "
                + type
                + "; this console offers None only (no VNC password is needed)");
      }
      step = Step.CLIENT_INIT;
      if (rfb38) {
        out.writeBytes(RESULT_OK);
      }
    }
    if (step == Step.CLIENT_INIT && in.hasRemaining()) {
      in.get(); // the shared flag: QEMU already has the agent's shared ClientInit
      step = Step.DONE;
      out.writeBytes(serverInit);
    }
    return out.toByteArray();
  }

  /** True once the client's ClientInit was answered: its later messages go to QEMU. */
  boolean done() {
    return step == Step.DONE;
  }

  private byte[] chooseVersion() throws AgentException {
    if (Arrays.equals(version, BANNER) || Arrays.equals(version, RFB_37)) {
      rfb38 = Arrays.equals(version, BANNER);
      step = Step.SECURITY_TYPE;
      return NONE_ONLY.clone();
    }
    if (Arrays.equals(version, RFB_33)) {
      step = Step.CLIENT_INIT;
      return NONE_33.clone();
    }
    String shown =
        new String(version, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?").trim();
    throw new AgentException(
        PortholeStatus.BAD_REQUEST,
        "the client asked for \"" + shown + "\"; this console speaks RFB 3.8, 3.7 or 3.3");
  }
}
