package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.porthole.hostagent.TestBytes.bytes;
import static org.porthole.hostagent.TestBytes.concat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.rfb.RfbClient;

/** The agent's side of QEMU's RFB 3.8 handshake, fed byte-exact server streams split anywhere. */
class QemuHandshakeTest {
  static final byte[] BANNER = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CHALLENGE = bytes(9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6);
  static final byte[] NAME = "web-1".getBytes(StandardCharsets.US_ASCII);

  /** A 640x480 ServerInit of 32 bits per pixel, named "web-1". */
  static final byte[] SERVER_INIT =
      concat(
          bytes(2, 128, 1, 224, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0),
          bytes(0, 0, 0, NAME.length),
          NAME);

  static final byte[] QEMU = concat(BANNER, bytes(1, 2), CHALLENGE, bytes(0, 0, 0, 0), SERVER_INIT);

  /** Version, VNC Authentication, the DES response, then a shared ClientInit. */
  static final byte[] EXPECTED_REPLIES =
      concat(BANNER, bytes(2), RfbClient.desResponse(CHALLENGE, "Ab3dEf9h"), bytes(1));

  private static byte[] feed(QemuHandshake h, byte[]... frames) throws AgentException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(h.accept(ByteBuffer.wrap(f)));
    }
    return out.toByteArray();
  }

  @Test
  void answersEveryStepAndKeepsTheServerInitForTheClientAtEverySplitPoint() throws Exception {
    for (int cut = 0; cut <= QEMU.length; cut++) {
      QemuHandshake h = new QemuHandshake("Ab3dEf9h");
      byte[] replies =
          feed(h, Arrays.copyOfRange(QEMU, 0, cut), Arrays.copyOfRange(QEMU, cut, QEMU.length));
      assertThat(replies).as("split at " + cut).isEqualTo(EXPECTED_REPLIES);
      assertThat(h.done()).isTrue();
      assertThat(h.responseSent()).isTrue();
      assertThat(h.clientInitSent()).isTrue();
      assertThat(h.forClient()).as("split at " + cut).isEqualTo(SERVER_INIT);
    }
  }

  @Test
  void isNotDoneBeforeTheWholeServerInitAndItsNameArrived() throws Exception {
    QemuHandshake h = new QemuHandshake("pw");
    feed(h, Arrays.copyOfRange(QEMU, 0, QEMU.length - 1));
    assertThat(h.clientInitSent()).isTrue();
    assertThat(h.done()).isFalse();
    feed(h, Arrays.copyOfRange(QEMU, QEMU.length - 1, QEMU.length));
    assertThat(h.done()).isTrue();
  }

  @Test
  void sendsNoClientInitBeforeSecurityResult() throws Exception {
    QemuHandshake h = new QemuHandshake("pw");
    feed(h, BANNER, bytes(1, 2), CHALLENGE);
    assertThat(h.responseSent()).isTrue();
    assertThat(h.clientInitSent()).isFalse();
  }

  @Test
  void handsOnWhatQemuSentAfterServerInitInOrder() throws Exception {
    QemuHandshake h = new QemuHandshake("pw");
    feed(h, concat(QEMU, bytes(2, 0)));
    assertThat(h.forClient()).isEqualTo(concat(SERVER_INIT, bytes(2, 0)));
  }

  @Test
  void choosesVncAuthenticationAmongSeveralTypes() throws Exception {
    QemuHandshake h = new QemuHandshake("pw");
    byte[] replies = feed(h, BANNER, bytes(3, 19, 2, 1));
    assertThat(replies).isEqualTo(concat(BANNER, bytes(2)));
  }

  private static void assertRefused(byte[] qemu, String reason) {
    QemuHandshake h = new QemuHandshake("pw");
    assertThatThrownBy(() -> feed(h, qemu))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> {
              assertThat(e.status()).isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
              assertThat(e.getMessage()).contains(reason);
            });
  }

  @Test
  void reportsQemusRefusalOfThePasswordWithItsReason() {
    byte[] reason = "Authentication failed".getBytes(StandardCharsets.US_ASCII);
    assertRefused(
        concat(BANNER, bytes(1, 2), CHALLENGE, bytes(0, 0, 0, 1, 0, 0, 0, reason.length), reason),
        "refused the console's one-time password: Authentication failed");
  }

  @Test
  void reportsARefusedConnection() {
    assertRefused(
        concat(BANNER, bytes(0, 0, 0, 0, 3), "Too".getBytes(StandardCharsets.US_ASCII)),
        "refused the connection: Too");
  }

  @Test
  void refusesAServerWithoutVncAuthentication() {
    assertRefused(concat(BANNER, bytes(1, 1)), "does not offer VNC Authentication");
  }

  @Test
  void refusesOlderOrForeignProtocols() {
    assertRefused("RFB 003.003\n".getBytes(StandardCharsets.US_ASCII), "does not speak RFB 3.8");
    assertRefused("SSH-2.0-xyz\n".getBytes(StandardCharsets.US_ASCII), "does not speak RFB 3.8");
  }

  @Test
  void refusesAnOverlongReasonUnread() {
    assertRefused(concat(BANNER, bytes(0, 0x7f, 0xff, 0xff, 0xff)), "refused the connection");
  }

  @Test
  void refusesAnOverlongDesktopNameUnread() {
    byte[] head = Arrays.copyOf(SERVER_INIT, QemuHandshake.SERVER_INIT_HEAD_BYTES);
    head[20] = 0x7f;
    assertRefused(
        concat(BANNER, bytes(1, 2), CHALLENGE, bytes(0, 0, 0, 0), head), "desktop name of");
  }
}
