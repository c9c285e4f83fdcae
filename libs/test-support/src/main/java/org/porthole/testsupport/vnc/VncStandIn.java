package org.porthole.testsupport.vnc;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A server that speaks like QEMU's VNC server started with a password, as far as a relay can tell:
 * it sends the RFB 3.8 banner, one security type (VNC Authentication) and a 16-byte challenge, and
 * checks the client's DES response against the password of the moment (or accepts any response when
 * it has none: a benchmark backend). After SecurityResult OK it takes ClientInit (counting shared
 * and exclusive ones) and answers {@link #SERVER_INIT}; then each listener does what its {@link
 * VncMode} says: mirror, echo, source or sink. Listens on loopback TCP ports and unix sockets;
 * counts connections, logins, refusals and the bytes it sourced.
 *
 * <p>One NIO selector thread serves every connection of every listener (a relay under test, not
 * this, must be the bottleneck: a 64 KiB write loop on one core outruns any relay). Threading:
 * connection state is touched only by that thread; the counters are atomic.
 */
public final class VncStandIn implements AutoCloseable {
  /** The desktop name in {@link #SERVER_INIT}. */
  public static final String NAME = "stand-in";

  /**
   * The answer to every ClientInit: a 640x480 desktop, 32 bits per pixel true colour (QEMU's
   * default), named {@link #NAME}.
   */
  public static final byte[] SERVER_INIT = serverInit();

  private final Selector selector;
  private final Map<VncMode, ServerSocketChannel> tcp = new EnumMap<>(VncMode.class);
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final VncCounters counters = new VncCounters();
  private final Supplier<String> password;
  private final Thread thread;

  /** How to build one: the password, then one listener per mode or socket. */
  public static final class Builder {
    private Supplier<String> password;
    private final List<VncMode> tcpModes = new ArrayList<>();
    private final Map<Path, VncMode> unixSockets = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Checks responses against {@code password} at each login (null from it: the password expired,
     * every login is refused). Without one, any response passes.
     */
    public Builder password(Supplier<String> password) {
      this.password = password;
      return this;
    }

    /** A TCP listener on a free 127.0.0.1 port, one per mode ({@link VncStandIn#port}). */
    public Builder tcp(VncMode mode) {
      tcpModes.add(mode);
      return this;
    }

    /** A listener on the unix socket {@code path}. */
    public Builder unix(Path path, VncMode mode) {
      unixSockets.put(path, mode);
      return this;
    }

    public VncStandIn start() throws IOException {
      VncStandIn standIn = new VncStandIn(this);
      standIn.thread.start();
      return standIn;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** One TCP port per mode, any response passes: the benchmark's backend. */
  public static VncStandIn everyMode() throws IOException {
    return builder()
        .tcp(VncMode.SOURCE)
        .tcp(VncMode.SINK)
        .tcp(VncMode.ECHO)
        .tcp(VncMode.MIRROR)
        .tcp(VncMode.CHOSEN_BY_CLIENT)
        .start();
  }

  private VncStandIn(Builder b) throws IOException {
    this.password = b.password;
    this.selector = Selector.open();
    for (VncMode mode : b.tcpModes) {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
      tcp.put(mode, server);
      listen(server, mode);
    }
    for (Map.Entry<Path, VncMode> unix : b.unixSockets.entrySet()) {
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(unix.getKey()));
      listen(server, unix.getValue());
    }
    thread = new Thread(this::loop, "vnc-stand-in");
    thread.setDaemon(true);
  }

  private void listen(ServerSocketChannel server, VncMode mode) throws IOException {
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT, mode);
    listeners.add(server);
  }

  /** The TCP port of the listener for {@code mode}. */
  public int port(VncMode mode) {
    ServerSocketChannel server = tcp.get(mode);
    if (server == null) {
      throw new IllegalArgumentException("no TCP listener for " + mode);
    }
    return server.socket().getLocalPort();
  }

  /** Connections accepted so far. */
  public int connections() {
    return counters.connections.get();
  }

  /** Connections open now. */
  public int open() {
    return counters.open.get();
  }

  /** Clients that passed VNC Authentication. */
  public int logins() {
    return counters.logins.get();
  }

  /** Clients whose VNC Authentication response was wrong (or came after the password expired). */
  public int refusals() {
    return counters.refusals.get();
  }

  /** ClientInits with the shared flag set. */
  public int sharedClientInits() {
    return counters.sharedInits.get();
  }

  /** ClientInits asking for exclusive access (shared flag 0). */
  public int exclusiveClientInits() {
    return counters.exclusiveInits.get();
  }

  /** Bytes the kernel accepted from {@link VncMode#SOURCE} connections. */
  public long sourcedBytes() {
    return counters.sourced.get();
  }

  private void loop() {
    try {
      while (selector.isOpen()) {
        selector.select();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          handle(key);
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      // closing
    }
  }

  private void handle(SelectionKey key) {
    try {
      if (!key.isValid()) {
        return;
      }
      if (key.isAcceptable()) {
        accept(key);
        return;
      }
      VncConnection conn = (VncConnection) key.attachment();
      if (key.isWritable()) {
        conn.onWritable();
      }
      if (key.isValid() && key.isReadable()) {
        conn.onReadable();
      }
    } catch (IOException e) {
      ((VncConnection) key.attachment()).close();
    }
  }

  private void accept(SelectionKey key) throws IOException {
    VncMode mode = (VncMode) key.attachment();
    SocketChannel ch;
    while ((ch = ((ServerSocketChannel) key.channel()).accept()) != null) {
      ch.configureBlocking(false);
      if (ch.getRemoteAddress() instanceof InetSocketAddress) {
        ch.socket().setTcpNoDelay(true);
      }
      SocketChannel client = ch;
      clients.add(client);
      counters.connections.incrementAndGet();
      counters.open.incrementAndGet();
      SelectionKey clientKey = client.register(selector, SelectionKey.OP_WRITE);
      clientKey.attach(
          new VncConnection(clientKey, mode, password, counters, () -> clients.remove(client)));
    }
  }

  /** Stops listening and drops every connection. */
  @Override
  public void close() {
    closeQuietly(selector);
    listeners.forEach(VncStandIn::closeQuietly);
    clients.forEach(VncStandIn::closeQuietly);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway: a test's teardown must not fail on a socket already gone
    }
  }

  private static byte[] serverInit() {
    byte[] name = NAME.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(24 + name.length)
        .putShort((short) 640)
        .putShort((short) 480)
        // pixel format: 32 bpp, depth 24, little endian, true colour, max 255/255/255, shifts
        // 16/8/0
        .put(new byte[] {32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0})
        .put(new byte[3])
        .putInt(name.length)
        .put(name)
        .array();
  }
}
