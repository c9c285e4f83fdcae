package org.porthole.testsupport.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A link cut and mended over TCP and unix sockets, against a real echo server. */
@Timeout(60) // blocking reads below: a broken link fails the test instead of hanging the build
class SeverableLinkTest {
  private static final long WAIT_MS = 10_000;

  @TempDir Path dir;
  private Echo echo;

  @AfterEach
  void stopEcho() {
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  void tcpLinkForwardsIsCutAndMended() throws Exception {
    echo = Echo.start(new InetSocketAddress("127.0.0.1", 0), StandardProtocolFamily.INET);
    try (SeverableLink link = SeverableLink.tcp((InetSocketAddress) echo.address())) {
      assertThat(link.address()).isInstanceOf(InetSocketAddress.class);
      assertThat(link.port()).isPositive();
      cutAndMend(link);
    }
  }

  @Test
  void unixLinkForwardsIsCutAndMendedAndRemovesItsSocket() throws Exception {
    Path target = dir.resolve("echo.sock");
    echo = Echo.start(UnixDomainSocketAddress.of(target), StandardProtocolFamily.UNIX);
    Path listening;
    try (SeverableLink link = SeverableLink.unix(target)) {
      listening = link.path();
      assertThat(listening).exists();
      cutAndMend(link);
    }
    assertThat(listening).doesNotExist();
    assertThat(listening.getParent()).doesNotExist();
  }

  @Test
  void unixLinkListensWhereTheCallerSays() throws Exception {
    Path target = dir.resolve("echo.sock");
    echo = Echo.start(UnixDomainSocketAddress.of(target), StandardProtocolFamily.UNIX);
    Path listen = dir.resolve("front.sock");
    try (SeverableLink link = SeverableLink.unix(listen, target)) {
      assertThat(link.path()).isEqualTo(listen);
      try (SocketChannel c = SocketChannel.open(link.address())) {
        assertThat(roundTrip(c, "hello")).isEqualTo("hello");
      }
    }
    assertThat(listen).doesNotExist();
  }

  @Test
  void aTargetThatIsDownClosesTheClient() throws Exception {
    Path target = dir.resolve("nobody.sock");
    try (SeverableLink link = SeverableLink.unix(dir.resolve("front.sock"), target);
        SocketChannel c = SocketChannel.open(link.address())) {
      assertThat(readUntilEnd(c)).isTrue();
      await(() -> link.refused() == 1);
    }
  }

  private void cutAndMend(SeverableLink link) throws Exception {
    try (SocketChannel before = SocketChannel.open(link.address())) {
      assertThat(roundTrip(before, "one")).isEqualTo("one");
      await(() -> link.openPairs() == 1);

      link.sever();
      assertThat(link.severed()).isTrue();
      assertThat(readUntilEnd(before)).as("an open pair ends when cut").isTrue();
      assertThat(link.openPairs()).isZero();
    }
    try (SocketChannel during = SocketChannel.open(link.address())) {
      assertThat(readUntilEnd(during)).as("a new connection is closed while cut").isTrue();
    }
    await(() -> link.refused() == 1);
    assertThat(echo.accepted()).as("nothing reached the target while cut").isEqualTo(1);

    link.restore();
    try (SocketChannel after = SocketChannel.open(link.address())) {
      assertThat(roundTrip(after, "two")).isEqualTo("two");
    }
    assertThat(link.accepted()).isEqualTo(3);
    assertThat(link.bytesForwarded()).isEqualTo(2L * ("one".length() + "two".length()));
  }

  private static String roundTrip(SocketChannel c, String text) throws IOException {
    byte[] sent = text.getBytes(StandardCharsets.UTF_8);
    c.write(ByteBuffer.wrap(sent));
    ByteBuffer got = ByteBuffer.allocate(sent.length);
    while (got.hasRemaining()) {
      if (c.read(got) < 0) {
        throw new IOException("ended after " + got.position() + " bytes");
      }
    }
    return new String(got.array(), StandardCharsets.UTF_8);
  }

  /** True when the peer closed; a blocking read is ended by a watchdog after the deadline. */
  private static boolean readUntilEnd(SocketChannel c) throws Exception {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(WAIT_MS);
                c.close();
              } catch (InterruptedException | IOException e) {
                // the read ended first
              }
            });
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      return c.read(ByteBuffer.allocate(1)) < 0;
    } catch (IOException e) {
      return false; // the watchdog closed it, or a reset (counted as not a clean end)
    } finally {
      watchdog.interrupt();
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %d ms", WAIT_MS).isLessThan(end);
      Thread.sleep(5);
    }
  }

  /** An echo server counting the connections it accepted. */
  private static final class Echo implements AutoCloseable {
    private final ServerSocketChannel server;
    private final AtomicInteger accepted = new AtomicInteger();

    private Echo(ServerSocketChannel server) {
      this.server = server;
    }

    static Echo start(SocketAddress at, StandardProtocolFamily family) throws IOException {
      ServerSocketChannel server = ServerSocketChannel.open(family);
      server.bind(at);
      Echo echo = new Echo(server);
      Thread t = new Thread(echo::serve, "echo");
      t.setDaemon(true);
      t.start();
      return echo;
    }

    SocketAddress address() throws IOException {
      return server.getLocalAddress();
    }

    int accepted() {
      return accepted.get();
    }

    private void serve() {
      while (true) {
        SocketChannel c;
        try {
          c = server.accept();
        } catch (IOException e) {
          return;
        }
        accepted.incrementAndGet();
        Thread t = new Thread(() -> echo(c), "echo-conn");
        t.setDaemon(true);
        t.start();
      }
    }

    private static void echo(SocketChannel c) {
      ByteBuffer b = ByteBuffer.allocate(1024);
      try (c) {
        while (c.read(b) >= 0) {
          b.flip();
          while (b.hasRemaining()) {
            c.write(b);
          }
          b.clear();
        }
      } catch (IOException e) {
        // the link closed it
      }
    }

    @Override
    public void close() {
      try {
        server.close(); // a unix socket's file goes with the test's temporary directory
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
