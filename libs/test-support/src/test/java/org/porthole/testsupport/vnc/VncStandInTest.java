package org.porthole.testsupport.vnc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.testsupport.link.TcpLink;
import org.porthole.testsupport.link.UnixLink;
import org.porthole.testsupport.rfb.RfbClient;

class VncStandInTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void acceptsOnlyThePasswordOfTheMoment() throws Exception {
    AtomicReference<String> password = new AtomicReference<>("Ab3dEf9h");
    Path socket = dir.resolve("vnc.sock");
    try (VncStandIn vnc =
        VncStandIn.builder().password(password::get).unix(socket, VncMode.MIRROR).start()) {
      assertThat(RfbClient.tryPassword(socket, "Ab3dEf9h")).isTrue();
      assertThat(RfbClient.tryPassword(socket, "wrong123")).isFalse();
      password.set(null);
      assertThat(RfbClient.tryPassword(socket, "Ab3dEf9h")).as("expired").isFalse();
      assertThat(vnc.logins()).isEqualTo(1);
      assertThat(vnc.refusals()).isEqualTo(2);
      assertThat(vnc.connections()).isEqualTo(3);
    }
  }

  @Test
  void mirrorsEveryByteAfterClientInitWhichItAnswersWithServerInit() throws Exception {
    Path socket = dir.resolve("vnc.sock");
    try (VncStandIn vnc =
            VncStandIn.builder().password(() -> "pw").unix(socket, VncMode.MIRROR).start();
        UnixLink link = new UnixLink(socket)) {
      link.read(RfbClient.BANNER.length + 2, WAIT);
      byte[] challenge = link.read(16, WAIT);
      link.write(RfbClient.BANNER);
      link.write(new byte[] {RfbClient.SECURITY_VNC_AUTH});
      link.write(RfbClient.desResponse(challenge, "pw"));
      assertThat(link.read(4, WAIT)).containsExactly(0, 0, 0, 0);
      link.write("\u0000hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(link.read(VncStandIn.SERVER_INIT.length, WAIT)).isEqualTo(VncStandIn.SERVER_INIT);
      assertThat(new String(link.read(5, WAIT), StandardCharsets.US_ASCII)).isEqualTo("hello");
      assertThat(vnc.logins()).isEqualTo(1);
      assertThat(vnc.exclusiveClientInits()).isEqualTo(1);
      assertThat(vnc.sharedClientInits()).isZero();
    }
  }

  @Test
  void echoesAndSourcesAfterClientInitWithAnyResponse() throws Exception {
    try (VncStandIn vnc = VncStandIn.everyMode()) {
      try (TcpLink echo = new TcpLink("127.0.0.1", vnc.port(VncMode.ECHO))) {
        loginWithAnyResponse(echo);
        echo.write(new byte[] {1, 'h', 'i'});
        assertThat(echo.read(VncStandIn.SERVER_INIT.length, WAIT))
            .isEqualTo(VncStandIn.SERVER_INIT);
        assertThat(echo.read(2, WAIT)).containsExactly('h', 'i');
      }
      try (TcpLink picked = new TcpLink("127.0.0.1", vnc.port(VncMode.CHOSEN_BY_CLIENT))) {
        loginWithAnyResponse(picked);
        picked.write(new byte[] {1, VncMode.SOURCE.letter()});
        assertThat(picked.read(VncStandIn.SERVER_INIT.length, WAIT))
            .isEqualTo(VncStandIn.SERVER_INIT);
        assertThat(picked.read(26, WAIT)).startsWith((byte) 'A', (byte) 'B');
      }
      // The stand-in counts a write after it returned, which may be after the client read it.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (vnc.sourcedBytes() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(vnc.sourcedBytes()).isPositive();
      assertThat(vnc.sharedClientInits()).isEqualTo(2);
    }
  }

  @Test
  void aViewerReadsTheServerInitAsFromQemu() throws Exception {
    try (VncStandIn vnc = VncStandIn.everyMode();
        TcpLink link = new TcpLink("127.0.0.1", vnc.port(VncMode.SINK))) {
      RfbClient.Result login = RfbClient.direct(link, "any");
      assertThat(login.authenticated()).isTrue();
      assertThat(login.width()).isEqualTo(640);
      assertThat(login.height()).isEqualTo(480);
      assertThat(login.name()).isEqualTo(VncStandIn.NAME);
    }
  }

  private static void loginWithAnyResponse(TcpLink link) throws Exception {
    link.read(RfbClient.BANNER.length + 2 + 16, WAIT);
    link.write(RfbClient.BANNER);
    link.write(new byte[] {RfbClient.SECURITY_VNC_AUTH});
    link.write(new byte[16]);
    assertThat(link.read(4, WAIT)).containsExactly(0, 0, 0, 0);
  }
}
