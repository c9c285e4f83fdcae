package org.porthole.testsupport.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.VersionRange;

/** The two guest-channel peers against each other, and the host end against raw bytes. */
class GuestHostEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void hostEndNegotiatesWithTheFakeGuestAndGetsReplies() throws Exception {
    try (FakeGuest guest = new FakeGuest(dir.resolve("g.sock"), Duration.ofMillis(20)).listen();
        GuestHostEnd host = GuestHostEnd.connect(guest.socket())) {
      host.send(new Message.Hello(VersionRange.V1, "porthole-host-agent", "test", "h-1", false));
      Message.Hello answer = host.await(Message.Hello.class, Message.Hello::answer, WAIT);
      assertThat(answer.instance()).isEqualTo(guest.instance());

      Message facts = host.request("r1", "refresh", WAIT);
      assertThat(facts)
          .isInstanceOfSatisfying(
              Message.OkReply.class,
              ok -> assertThat(ok.result()).containsEntry("session", "unlocked"));
      Message unknown = host.request("u1", "format-disk", WAIT);
      assertThat(unknown)
          .isInstanceOfSatisfying(
              Message.ErrorReply.class, e -> assertThat(e.code()).isEqualTo("unknown-command"));
      assertThat(guest.requests().stream().map(Message.Request::id).toList())
          .containsExactly("r1", "u1");
      assertThat(guest.fromHost().get(0)).isInstanceOf(Message.Hello.class);

      long end = System.nanoTime() + WAIT.toNanos();
      while (host.heartbeats() < 2 && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(host.heartbeats()).as("heartbeats counted").isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void queuesRawLinesWithoutHeartbeatsAndEndsWithTheEndMarker() throws Exception {
    Path device = dir.resolve("dev/vport1p2");
    Files.createDirectories(device.getParent());
    try (GuestHostEnd host = GuestHostEnd.listen(device)) {
      try (SocketChannel agent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        agent.connect(UnixDomainSocketAddress.of(device));
        host.accept();
        write(agent, "{\"type\":\"heartbeat\",\"seq\":1}\nnot json\n");
        write(
            agent, "{\"type\":\"event\",\"event\":\"session\",\"data\":{\"state\":\"locked\"}}\n");
        write(agent, "{\"type\":\"ok\",\"id\":\"1\",\"result\":{}}\n");
        assertThat(host.next(WAIT)).isEqualTo("not json");
        assertThat(host.heartbeats()).isEqualTo(1);
        assertThat(host.nextReply(WAIT)).isEqualTo("{\"type\":\"ok\",\"id\":\"1\",\"result\":{}}");

        write(agent, "{\"type\":\"ok\",\"id\":SECRET\n{\"type\":\"heartbeat\",\"seq\":2}\n");
        Message.ErrorReply garbage =
            host.await(Message.ErrorReply.class, e -> e.id() == null, WAIT);
        assertThat(garbage.code()).isEqualTo(GuestHostEnd.UNDECODABLE);

        host.send("{\"type\":\"heartbeat\",\"seq\":1}");
        assertThat(readLine(agent)).isEqualTo("{\"type\":\"heartbeat\",\"seq\":1}\n");
      }
      assertThatThrownBy(() -> host.await(Message.class, m -> true, WAIT))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("ended");
      assertThat(host.heartbeats()).isEqualTo(2);
    }
  }

  @Test
  void nextFailsWithinItsBoundAndEveryConnectionHasItsOwnEnd() throws Exception {
    Path device = dir.resolve("port.sock");
    try (GuestHostEnd host = GuestHostEnd.listen(device)) {
      try (SocketChannel first = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        first.connect(UnixDomainSocketAddress.of(device));
        host.accept();
        assertThatThrownBy(() -> host.next(Duration.ofMillis(50)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("no line");
      }
      try (SocketChannel second = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        second.connect(UnixDomainSocketAddress.of(device));
        host.accept();
        write(second, "hello\n");
        assertThat(host.next(WAIT)).as("the first connection's end is not seen").isEqualTo("hello");
        host.disconnect();
        assertThat(host.next(WAIT)).isEqualTo(GuestHostEnd.END);
      }
    }
  }

  private static String readLine(SocketChannel channel) throws Exception {
    ByteBuffer got = ByteBuffer.allocate(256);
    while (got.position() == 0 || got.get(got.position() - 1) != '\n') {
      if (channel.read(got) < 0) {
        break;
      }
    }
    return new String(got.array(), 0, got.position(), StandardCharsets.UTF_8);
  }

  private static void write(SocketChannel channel, String text) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }
}
