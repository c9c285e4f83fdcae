package org.porthole.testsupport.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A forwarder between a listening address and a target that a test can cut and mend: the way to
 * show what a service does when its database, libvirt or broker goes away and comes back, without
 * stopping the real one (which other tests share).
 *
 * <p>Each accepted connection is paired with a fresh connection to the target and bytes are copied
 * both ways. {@link #sever()} closes every pair and, until {@link #restore()}, accepts each new
 * connection and closes it at once (a peer sees end of stream, as when a server dies between accept
 * and answer). Works over TCP ({@link #tcp}) and unix-domain sockets ({@link #unix}).
 *
 * <p>Threads: one acceptor, and two copiers per pair (blocking channels; closing a channel ends the
 * copier blocked on it). All are daemons and end with {@link #close()}.
 */
public final class SeverableLink implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final ServerSocketChannel server;
  private final SocketAddress listening;
  private final SocketAddress target;
  private final Kind family;
  private final Path ownedDir;
  private final ExecutorService threads;
  private final Object lock = new Object();
  private final Set<Pair> pairs = new HashSet<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private boolean severed;
  private volatile boolean closed;

  private enum Kind {
    TCP,
    UNIX
  }

  private SeverableLink(ServerSocketChannel server, SocketAddress target, Kind family, Path dir)
      throws IOException {
    this.server = server;
    this.listening = server.getLocalAddress();
    this.target = target;
    this.family = family;
    this.ownedDir = dir;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "severable-link-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  /** Listens on a free loopback TCP port and forwards to {@code target}. */
  public static SeverableLink tcp(InetSocketAddress target) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    return new SeverableLink(server, target, Kind.TCP, null);
  }

  /** Listens on a free loopback TCP port and forwards to {@code host:port}. */
  public static SeverableLink tcp(String host, int port) throws IOException {
    return tcp(new InetSocketAddress(host, port));
  }

  /**
   * Listens on a unix socket in a fresh directory under the system temporary directory (short
   * enough for the 107-byte limit on socket paths) and forwards to the unix socket {@code target};
   * {@link #close()} removes both.
   */
  public static SeverableLink unix(Path target) throws IOException {
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "link");
    return unix(dir.resolve("link.sock"), target, dir);
  }

  /** Listens on the unix socket {@code listen} (must not exist) and forwards to {@code target}. */
  public static SeverableLink unix(Path listen, Path target) throws IOException {
    return unix(listen, target, null);
  }

  private static SeverableLink unix(Path listen, Path target, Path ownedDir) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(listen));
    return new SeverableLink(server, UnixDomainSocketAddress.of(target), Kind.UNIX, ownedDir);
  }

  /** The listening port (TCP links only). */
  public int port() {
    requireFamily(Kind.TCP);
    return ((InetSocketAddress) address()).getPort();
  }

  /** The listening socket's path (unix links only). */
  public Path path() {
    requireFamily(Kind.UNIX);
    return ((UnixDomainSocketAddress) address()).getPath();
  }

  /** The listening address: an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}. */
  public SocketAddress address() {
    return listening;
  }

  /**
   * Cuts the link: closes every open pair now and closes each new connection as soon as it is
   * accepted, until {@link #restore()}.
   */
  public void sever() {
    synchronized (lock) {
      severed = true;
      for (Pair pair : pairs) {
        pair.close();
      }
      pairs.clear();
    }
  }

  /** Mends the link: new connections are forwarded again (pairs cut by sever stay closed). */
  public void restore() {
    synchronized (lock) {
      severed = false;
    }
  }

  /** Whether the link is cut now. */
  public boolean severed() {
    synchronized (lock) {
      return severed;
    }
  }

  /** Pairs forwarding now. */
  public int openPairs() {
    synchronized (lock) {
      return pairs.size();
    }
  }

  /** Connections accepted so far, forwarded or not. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections closed at once because the link was cut (or the target refused). */
  public int refused() {
    return refused.get();
  }

  /** Bytes forwarded so far, both ways. */
  public long bytesForwarded() {
    return bytes.get();
  }

  @Override
  public void close() {
    closed = true;
    sever();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (family == Kind.UNIX) {
      deleteQuietly(path());
      if (ownedDir != null) {
        deleteQuietly(ownedDir);
      }
    }
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      forward(client);
    }
  }

  private void forward(SocketChannel client) {
    if (severed()) {
      refuse(client);
      return;
    }
    SocketChannel upstream;
    try {
      upstream = SocketChannel.open(target);
    } catch (IOException e) {
      refuse(client);
      return;
    }
    Pair pair = new Pair(client, upstream);
    synchronized (lock) {
      if (severed || closed) {
        pair.close();
        refused.incrementAndGet();
        return;
      }
      pairs.add(pair);
    }
    threads.execute(() -> copy(pair, client, upstream));
    threads.execute(() -> copy(pair, upstream, client));
  }

  /** Copies until either side ends, then closes the pair (the peer sees the end too). */
  private void copy(Pair pair, SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        bytes.addAndGet(buffer.remaining());
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      // severed, closed, or a peer reset: the pair ends either way
    } finally {
      synchronized (lock) {
        pairs.remove(pair);
      }
      pair.close();
    }
  }

  private void refuse(SocketChannel client) {
    refused.incrementAndGet();
    closeQuietly(client);
  }

  private void requireFamily(Kind wanted) {
    if (family != wanted) {
      throw new IllegalStateException("a " + family + " link has no " + wanted + " address");
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // a temporary file left behind
    }
  }

  /** A client connection and its connection to the target. */
  private static final class Pair {
    private final SocketChannel client;
    private final SocketChannel upstream;

    Pair(SocketChannel client, SocketChannel upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }
}
