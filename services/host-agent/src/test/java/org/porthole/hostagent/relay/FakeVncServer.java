package org.porthole.hostagent.relay;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.porthole.hostagent.RfbClient;

/**
 * A stand-in VNC server on a unix socket (no network) that authenticates like QEMU started with a
 * password: RFB 3.8, security type VNC Authentication only, a random challenge, and the response
 * checked against the password the fake libvirt holds at that moment (none: refused). After
 * SecurityResult OK it echoes every byte back, so a test reads exactly what reached "QEMU". Counts
 * connections and logins.
 */
public final class FakeVncServer implements AutoCloseable {
  /** The RFB 3.8 ProtocolVersion (QEMU's, and the one the agent presents to its clients). */
  public static final byte[] BANNER = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] VNC_AUTH_ONLY = {1, 2};
  private static final byte[] REFUSED = "Authentication failed".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocketChannel server;
  private final Supplier<String> password;
  private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger logins = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private final Path socket;

  private FakeVncServer(ServerSocketChannel server, Path socket, Supplier<String> password) {
    this.server = server;
    this.socket = socket;
    this.password = password;
  }

  /** {@code password}: the domain's VNC password now (null when expired). */
  public static FakeVncServer start(Path socket, Supplier<String> password) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(socket));
    FakeVncServer f = new FakeVncServer(s, socket, password);
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

  /** Clients that passed VNC Authentication. */
  public int logins() {
    return logins.get();
  }

  /** Clients whose VNC Authentication response was wrong. */
  public int refusals() {
    return refusals.get();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        clients.add(c);
        connections.incrementAndGet();
        Thread t = new Thread(() -> serve(c), "fake-vnc-client");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SocketChannel c) {
    try (c) {
      if (!authenticate(c)) {
        return;
      }
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

  private boolean authenticate(SocketChannel c) throws IOException {
    write(c, BANNER);
    if (!Arrays.equals(read(c, BANNER.length), BANNER)) {
      return false;
    }
    write(c, VNC_AUTH_ONLY);
    if (read(c, 1)[0] != 2) {
      return false;
    }
    byte[] challenge = new byte[16];
    random.nextBytes(challenge);
    write(c, challenge);
    byte[] response = read(c, 16);
    String now = password.get();
    if (now != null && Arrays.equals(response, RfbClient.desResponse(challenge, now))) {
      logins.incrementAndGet();
      write(c, new byte[] {0, 0, 0, 0});
      return true;
    }
    refusals.incrementAndGet();
    write(
        c,
        ByteBuffer.allocate(8 + REFUSED.length)
            .putInt(1)
            .putInt(REFUSED.length)
            .put(REFUSED)
            .array());
    return false;
  }

  private static void write(SocketChannel c, byte[] b) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      c.write(buf);
    }
  }

  private static byte[] read(SocketChannel c, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    while (buf.hasRemaining()) {
      if (c.read(buf) < 0) {
        throw new IOException("the relay closed during the handshake");
      }
    }
    return buf.array();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel c : clients) {
      c.close();
    }
  }
}
