package org.porthole.bench.backend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A TCP server that speaks like a VNC server started with a password, as far as a relay can tell:
 * on accept it sends the RFB 3.8 banner, one security type (VNC Authentication) and a challenge,
 * accepts any 16-byte response (a benchmark has no password; the relay's real handshake code runs),
 * answers SecurityResult OK, and after the client's ClientInit byte sources, sinks or echoes bytes
 * depending on the port. One NIO selector thread serves every connection of every mode (the relays
 * under test, not this, must be the bottleneck: a 64 KiB write loop on one core outruns any relay).
 *
 * <p>Threading: every field below is touched only by the selector thread, except {@link #close}.
 */
public final class VncLikeBackend implements AutoCloseable {
  /** What a VNC server sends first. */
  public static final byte[] BANNER = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  /** The banner, the security types [VNC Authentication] and a 16-byte challenge: sent at once. */
  private static final byte[] GREETING =
      ByteBuffer.allocate(BANNER.length + 2 + 16).put(BANNER).put((byte) 1).put((byte) 2).array();

  /** The client's version, security type and response, then its ClientInit. */
  private static final int CLIENT_AUTH_BYTES = 12 + 1 + 16;

  private static final byte[] RESULT_OK = {0, 0, 0, 0};
  static final int CHUNK = 64 * 1024;
  private static final int WRITES_PER_WAKEUP = 16;

  private final Selector selector;
  private final Map<BackendMode, ServerSocketChannel> listeners = new EnumMap<>(BackendMode.class);
  private final ByteBuffer sourceChunk = ByteBuffer.allocateDirect(CHUNK);
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(CHUNK);
  private final Thread thread;

  private VncLikeBackend() throws IOException {
    selector = Selector.open();
    for (int i = 0; i < CHUNK; i++) {
      sourceChunk.put((byte) ('A' + i % 26));
    }
    sourceChunk.flip();
    for (BackendMode mode : BackendMode.values()) {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT, mode);
      listeners.put(mode, server);
    }
    thread = new Thread(this::loop, "backend-selector");
  }

  /** Binds one loopback port per mode and starts serving. */
  public static VncLikeBackend start() throws IOException {
    VncLikeBackend backend = new VncLikeBackend();
    backend.thread.start();
    return backend;
  }

  public int port(BackendMode mode) {
    return listeners.get(mode).socket().getLocalPort();
  }

  /**
   * Per-connection state: its mode, the handshake, what is still to be written (greeting, echo).
   */
  private static final class Conn {
    final BackendMode mode;
    ByteBuffer pending;
    int sourceOffset;

    /** Client bytes of the handshake still to come (version, type, response, ClientInit). */
    int handshakeLeft = CLIENT_AUTH_BYTES + 1;

    Conn(BackendMode mode) {
      this.mode = mode;
      this.pending = ByteBuffer.wrap(GREETING);
    }

    boolean ready() {
      return handshakeLeft == 0;
    }
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
      // closing: the process ends
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
      Conn conn = (Conn) key.attachment();
      if (key.isWritable()) {
        write(key, conn);
      }
      if (key.isValid() && key.isReadable()) {
        read(key, conn);
      }
    } catch (IOException e) {
      closeQuietly(key);
    }
  }

  private void accept(SelectionKey key) throws IOException {
    BackendMode mode = (BackendMode) key.attachment();
    SocketChannel ch;
    while ((ch = ((ServerSocketChannel) key.channel()).accept()) != null) {
      ch.configureBlocking(false);
      ch.socket().setTcpNoDelay(true);
      ch.register(selector, SelectionKey.OP_WRITE, new Conn(mode));
    }
  }

  private void write(SelectionKey key, Conn conn) throws IOException {
    SocketChannel ch = (SocketChannel) key.channel();
    if (conn.pending != null) {
      ch.write(conn.pending);
      if (conn.pending.hasRemaining()) {
        return;
      }
      conn.pending = null;
    }
    if (conn.mode == BackendMode.SOURCE && conn.ready()) {
      // A bounded number of writes per wake-up, so one fast reader cannot starve the others.
      for (int i = 0; i < WRITES_PER_WAKEUP; i++) {
        ByteBuffer chunk = sourceChunk.duplicate();
        chunk.position(conn.sourceOffset);
        int written = ch.write(chunk);
        if (written <= 0) {
          break;
        }
        conn.sourceOffset = (conn.sourceOffset + written) % CHUNK;
      }
      key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
      return;
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  private void read(SelectionKey key, Conn conn) throws IOException {
    SocketChannel ch = (SocketChannel) key.channel();
    readBuffer.clear();
    int n = ch.read(readBuffer);
    if (n < 0) {
      closeQuietly(key);
      return;
    }
    readBuffer.flip();
    if (!conn.ready() && !handshake(key, conn)) {
      return;
    }
    if (conn.mode != BackendMode.ECHO || !readBuffer.hasRemaining()) {
      return;
    }
    ch.write(readBuffer);
    if (readBuffer.hasRemaining()) {
      ByteBuffer rest = ByteBuffer.allocate(readBuffer.remaining());
      rest.put(readBuffer).flip();
      conn.pending = rest;
      key.interestOps(SelectionKey.OP_WRITE);
    }
  }

  /**
   * Consumes the client's handshake bytes from the read buffer: after the response, OK; after
   * ClientInit, the mode starts. True when the handshake is done (the buffer holds what follows).
   */
  private boolean handshake(SelectionKey key, Conn conn) throws IOException {
    int n = Math.min(conn.handshakeLeft, readBuffer.remaining());
    readBuffer.position(readBuffer.position() + n);
    boolean responded = conn.handshakeLeft > 1 && conn.handshakeLeft - n <= 1;
    conn.handshakeLeft -= n;
    if (responded) {
      ((SocketChannel) key.channel()).write(ByteBuffer.wrap(RESULT_OK));
    }
    if (!conn.ready()) {
      return false;
    }
    if (conn.mode == BackendMode.SOURCE) {
      key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
    }
    return true;
  }

  private static void closeQuietly(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
      for (ServerSocketChannel s : listeners.values()) {
        s.close();
      }
    } catch (IOException e) {
      // best effort at exit
    }
  }
}
