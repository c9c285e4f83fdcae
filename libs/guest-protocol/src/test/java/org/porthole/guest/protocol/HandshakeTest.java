package org.porthole.guest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  private static Message.Hello hello(int min, int max, String instance, boolean answer) {
    return new Message.Hello(new VersionRange(min, max), "peer", "9.9", instance, answer);
  }

  private static Handshake guest(int min, int max) {
    return new Handshake(
        new Message.Hello(
            new VersionRange(min, max), "porthole-guest-agent", "0.1.0", "g1", false));
  }

  @Test
  void newerPeerStepsDownToOurVersion() {
    Handshake.Outcome o = guest(1, 1).onPeerHello(hello(1, 3, "h1", false));
    assertEquals(OptionalInt.of(1), o.version());
    assertFalse(o.close());
  }

  @Test
  void olderPeerIsMetAtItsVersion() {
    Handshake h = guest(1, 2);
    Handshake.Outcome o = h.onPeerHello(hello(1, 1, "h1", false));
    assertEquals(OptionalInt.of(1), o.version());
    assertEquals(OptionalInt.of(1), h.version());
  }

  @Test
  void highestCommonVersionWins() {
    assertEquals(OptionalInt.of(3), new VersionRange(1, 3).negotiate(new VersionRange(2, 5)));
    assertEquals(OptionalInt.of(3), new VersionRange(2, 5).negotiate(new VersionRange(1, 3)));
  }

  @Test
  void noOverlapSendsAnErrorAndCloses() throws IOException {
    Handshake h = guest(1, 1);
    Handshake.Outcome o = h.onPeerHello(hello(2, 3, "h1", false));
    assertTrue(o.close());
    assertEquals(OptionalInt.empty(), o.version());
    String line = MessageCodec.encode(o.reply().orElseThrow());
    assertEquals(
        "{\"type\":\"error\",\"code\":\"no-common-version\",\"text\":\"no common protocol version: ours 1..1, peer's 2..3\"}",
        line);
    assertTrue(DocExamples.lines().contains(line));
    assertTrue(guest(3, 4).onPeerHello(hello(1, 2, "h1", false)).close());
  }

  @Test
  void answersAnOpeningHelloButNeverAnAnswer() {
    Handshake h = guest(1, 1);
    Handshake.Outcome first = h.onPeerHello(hello(1, 1, "h1", false));
    Message.Hello reply = (Message.Hello) first.reply().orElseThrow();
    assertTrue(reply.answer());
    assertEquals("g1", reply.instance());
    assertEquals(Optional.empty(), h.onPeerHello(hello(1, 1, "h1", true)).reply());
  }

  @Test
  void seesPeerRestartByNewInstanceButNotAReconnect() {
    Handshake h = guest(1, 1);
    Handshake.Outcome first = h.onPeerHello(hello(1, 1, "h1", false));
    assertTrue(first.firstContact());
    assertFalse(first.peerRestarted());
    h.channelReopened();
    assertEquals(OptionalInt.empty(), h.version());
    Handshake.Outcome reconnect = h.onPeerHello(hello(1, 1, "h1", false));
    assertFalse(reconnect.peerRestarted());
    assertFalse(reconnect.firstContact());
    Handshake.Outcome restart = h.onPeerHello(hello(1, 1, "h2", false));
    assertTrue(restart.peerRestarted());
  }

  @Test
  void openingHelloIsNeverAnAnswer() {
    Handshake h = new Handshake(new Message.Hello(VersionRange.V1, "a", "1", "i", true));
    assertFalse(h.opening().answer());
  }
}
