package org.porthole.hostagent.relay;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in VNC server on a unix socket (no network): sends the RFB 3.8 banner, then echoes
 * every byte back. Counts connections so tests can see what reached "QEMU".
 */
public final class FakeVncServer implements AutoCloseable {
  public static final byte[] BANNER = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocketChannel server;
  private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Path socket;

  private FakeVncServer(ServerSocketChannel server, Path socket) {
    this.server = server;
    this.socket = socket;
  }

  public static FakeVncServer start(Path socket) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(socket));
    FakeVncServer f = new FakeVncServer(s, socket);
    Thread t = new Thread(f::acceptLoop, "fake-vnc-accept");
    t.setDaemon(true);
    t.start();
    return f;
  }

  public Path socket() {
    return socket;
  }

  public int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        clients.add(c);
        connections.incrementAndGet();
        Thread t = new Thread(() -> echo(c), "fake-vnc-echo");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void echo(SocketChannel c) {
    try (c) {
      c.write(ByteBuffer.wrap(BANNER));
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (c.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          c.write(buf);
        }
        buf.clear();
      }
    } catch (IOException e) {
      // The relay went away.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel c : clients) {
      c.close();
    }
  }
}
