package org.porthole.testsupport.guest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host end of a VM's SSO port ({@code org.porthole.sso.0}) as QEMU serves it, with the guest
 * agent's side scripted, for relay tests: a unix listener; on {@code sso-begin} (from {@link
 * FakeGuest}) it takes the host's connection, writes a {@code signature} line with the nonce, then
 * echoes, holds or closes ({@link Mode}). It records whether the host had connected before the
 * begin arrived. Safe to use from any thread.
 */
public final class FakeSsoPort implements AutoCloseable {
  /** What the guest side does after its signature line. */
  public enum Mode {
    /** Writes back every byte it reads. */
    ECHO,
    /** Reads and drops everything, writes nothing more. */
    HOLD,
    /** Closes the connection at once. */
    CLOSE
  }

  /**
   * One {@code sso-begin} the guest carried out.
   *
   * @param hostConnected the host's connection was waiting when the begin arrived
   */
  public record Begin(String session, String nonce, String principal, boolean hostConnected) {}

  private static final long ACCEPT_WAIT_MS = 5_000;

  private final Path socket;
  private final BlockingQueue<Begin> begins = new LinkedBlockingQueue<>();
  private final List<Begin> all = new CopyOnWriteArrayList<>();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicInteger exchanges = new AtomicInteger();
  private volatile Mode mode = Mode.ECHO;
  private volatile ServerSocketChannel server;
  private volatile SocketChannel current;

  public FakeSsoPort(Path socket) {
    this.socket = socket;
  }

  /** Starts listening on the socket path. */
  public FakeSsoPort listen() throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(socket));
    s.configureBlocking(false);
    server = s;
    return this;
  }

  public Path socket() {
    return socket;
  }

  /** What the next exchanges do after the signature. */
  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** The next begin within {@code ms}, or an assertion error. */
  public Begin nextBegin(long ms) throws InterruptedException {
    Begin b = begins.poll(ms, TimeUnit.MILLISECONDS);
    if (b == null) {
      throw new AssertionError("no sso-begin within " + ms + " ms");
    }
    return b;
  }

  /** Every begin carried out so far, oldest first. */
  public List<Begin> begins() {
    return List.copyOf(all);
  }

  /** Exchanges that ended (the host's connection closed or the mode closed it). */
  public int exchangesEnded() {
    return exchanges.get();
  }

  /** True while an exchange runs (a second begin is then refused busy, as the real guest does). */
  public boolean busy() {
    return busy.get();
  }

  /**
   * Makes the guest busy with no host client, as a guest still finishing an earlier exchange (its
   * report, a test image's probe) is: a begin meanwhile is refused busy, until the returned action
   * runs.
   */
  public Runnable occupied() {
    if (!busy.compareAndSet(false, true)) {
      throw new IllegalStateException("an exchange runs already");
    }
    return () -> busy.set(false);
  }

  /** The guest's side of {@code sso-begin}; false when busy. Serves the exchange on a thread. */
  boolean begin(String session, String nonce, String principal) throws IOException {
    if (!busy.compareAndSet(false, true)) {
      return false;
    }
    SocketChannel waiting = newestHost();
    Thread t =
        new Thread(
            () -> serve(new Begin(session, nonce, principal, waiting != null), waiting),
            "fake-sso-port");
    t.setDaemon(true);
    t.start();
    return true;
  }

  private void serve(Begin b, SocketChannel waiting) {
    try (SocketChannel c = waiting != null ? waiting : awaitHost()) {
      all.add(b);
      begins.add(b);
      if (c == null) {
        return;
      }
      c.configureBlocking(true);
      current = c;
      write(c, "{\"type\":\"signature\",\"min\":1,\"max\":1,\"nonce\":\"" + b.nonce() + "\"}\n");
      if (mode == Mode.CLOSE) {
        return;
      }
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      while (c.read(buf) >= 0) {
        buf.flip();
        if (mode == Mode.ECHO) {
          while (buf.hasRemaining()) {
            c.write(buf);
          }
        }
        buf.clear();
      }
    } catch (IOException e) {
      // the host went away: the exchange ends
    } finally {
      current = null;
      exchanges.incrementAndGet();
      busy.set(false);
    }
  }

  /**
   * The host's newest waiting connection: older ones are connections the host closed before any
   * begin (a client that left early), which QEMU would have dropped when it saw their end.
   */
  private SocketChannel newestHost() throws IOException {
    SocketChannel newest = null;
    SocketChannel c;
    while ((c = server.accept()) != null) {
      if (newest != null) {
        newest.close();
      }
      newest = c;
    }
    return newest;
  }

  /** A begin that came before the host connected: wait a bounded time for it, as a test aid. */
  private SocketChannel awaitHost() throws IOException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACCEPT_WAIT_MS);
    while (System.nanoTime() < end) {
      SocketChannel c = server.accept();
      if (c != null) {
        return c;
      }
      Thread.onSpinWait();
    }
    return null;
  }

  private static void write(SocketChannel c, String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  @Override
  public void close() throws IOException {
    ServerSocketChannel s = server;
    if (s != null) {
      s.close();
    }
    SocketChannel c = current;
    if (c != null) {
      c.close();
    }
    Files.deleteIfExists(socket);
  }
}
