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

/** The handshake the agent offers its clients: RFB 3.8 / 3.7 / 3.3 with security None only. */
class ClientGreetingTest {
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
  void rfb38OffersNoneAndSendsSecurityResultAtEverySplitPoint() throws Exception {
    byte[] client = concat(V38, bytes(1), bytes(0, 3, 0));
    for (int cut = 0; cut <= client.length; cut++) {
      ClientGreeting g = new ClientGreeting();
      byte[][] r =
          run(
              g,
              Arrays.copyOfRange(client, 0, cut),
              Arrays.copyOfRange(client, cut, client.length));
      assertThat(r[0]).as("split at " + cut).isEqualTo(bytes(1, 1, 0, 0, 0, 0));
      assertThat(r[1]).as("ClientInit and later go to QEMU untouched").isEqualTo(bytes(0, 3, 0));
      assertThat(g.done()).isTrue();
    }
  }

  @Test
  void rfb37HasNoSecurityResultForNone() throws Exception {
    ClientGreeting g = new ClientGreeting();
    assertThat(run(g, concat(V37, bytes(1, 1))))
        .isDeepEqualTo(new byte[][] {bytes(1, 1), bytes(1)});
  }

  @Test
  void rfb33IsToldTheTypeNone() throws Exception {
    ClientGreeting g = new ClientGreeting();
    assertThat(run(g, concat(V33, bytes(1))))
        .isDeepEqualTo(new byte[][] {bytes(0, 0, 0, 1), bytes(1)});
    assertThat(g.done()).isTrue();
  }

  private static void assertRefused(byte[] client, String reason) {
    assertThatThrownBy(() -> run(new ClientGreeting(), client))
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
