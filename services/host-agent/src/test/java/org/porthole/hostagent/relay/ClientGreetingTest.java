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

/**
 * The handshake the agent offers its clients: RFB 3.8 / 3.7 / 3.3 with security None only, then
 * ClientInit answered with QEMU's ServerInit.
 */
class ClientGreetingTest {
  /** Stands for the ServerInit QEMU sent the agent. */
  static final byte[] SERVER_INIT = bytes(2, 128, 1, 224, 9, 9, 9);

  static final byte[] V38 = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] V37 = "RFB 003.007\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] V33 = "RFB 003.003\n".getBytes(StandardCharsets.US_ASCII);

  /** Feeds the frames; returns the replies, and what the greeting left for QEMU. */
  private static byte[][] run(ClientGreeting g, byte[]... frames) throws AgentException {
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      ByteBuffer in = ByteBuffer.wrap(f);
      if (!g.done()) {
        replies.writeBytes(g.accept(in));
      }
      byte[] left = new byte[in.remaining()];
      in.get(left);
      rest.writeBytes(left);
    }
    return new byte[][] {replies.toByteArray(), rest.toByteArray()};
  }

  @Test
  void rfb38OffersNoneSendsSecurityResultAndAnswersClientInitAtEverySplitPoint() throws Exception {
    byte[] client = concat(V38, bytes(1), bytes(0), bytes(3, 0, 0));
    for (int cut = 0; cut <= client.length; cut++) {
      ClientGreeting g = new ClientGreeting(SERVER_INIT);
      byte[][] r =
          run(
              g,
              Arrays.copyOfRange(client, 0, cut),
              Arrays.copyOfRange(client, cut, client.length));
      assertThat(r[0])
          .as("split at " + cut)
          .isEqualTo(concat(bytes(1, 1, 0, 0, 0, 0), SERVER_INIT));
      assertThat(r[1])
          .as("the client's exclusive ClientInit stays here; later bytes go to QEMU untouched")
          .isEqualTo(bytes(3, 0, 0));
      assertThat(g.done()).isTrue();
    }
  }

  @Test
  void isNotDoneUntilTheClientSentClientInit() throws Exception {
    ClientGreeting g = new ClientGreeting(SERVER_INIT);
    assertThat(run(g, concat(V38, bytes(1))))
        .isDeepEqualTo(new byte[][] {bytes(1, 1, 0, 0, 0, 0), bytes()});
    assertThat(g.done()).isFalse();
  }

  @Test
  void rfb37HasNoSecurityResultForNone() throws Exception {
    ClientGreeting g = new ClientGreeting(SERVER_INIT);
    assertThat(run(g, concat(V37, bytes(1, 1), bytes(3))))
        .isDeepEqualTo(new byte[][] {concat(bytes(1, 1), SERVER_INIT), bytes(3)});
  }

  @Test
  void rfb33IsToldTheTypeNone() throws Exception {
    ClientGreeting g = new ClientGreeting(SERVER_INIT);
    assertThat(run(g, concat(V33, bytes(1), bytes(3))))
        .isDeepEqualTo(new byte[][] {concat(bytes(0, 0, 0, 1), SERVER_INIT), bytes(3)});
    assertThat(g.done()).isTrue();
  }

  private static void assertRefused(byte[] client, String reason) {
    assertThatThrownBy(() -> run(new ClientGreeting(SERVER_INIT), client))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> {
              assertThat(e.status()).isEqualTo(PortholeStatus.BAD_REQUEST);
              assertThat(e.getMessage()).contains(reason);
            });
  }

  @Test
  void clientTryingVncAuthenticationOrAnyOtherTypeIsRefused() {
    for (int type : new int[] {0, 2, 16, 18, 19, 255}) {
      assertRefused(concat(V38, bytes(type)), "security type " + type);
    }
  }

  @Test
  void otherVersionsAndNonRfbBytesAreRefused() {
    assertRefused("RFB 004.001\n".getBytes(StandardCharsets.US_ASCII), "RFB 3.8, 3.7 or 3.3");
    assertRefused("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), "RFB 3.8, 3.7 or 3.3");
  }
}
