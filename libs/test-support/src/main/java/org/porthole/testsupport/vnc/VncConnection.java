package org.porthole.testsupport.vnc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.function.Supplier;
import org.porthole.testsupport.rfb.RfbClient;

/**
 * One client of a {@link VncStandIn}: the server side of the RFB 3.8 handshake with VNC
 * Authentication, ClientInit answered with {@link VncStandIn#SERVER_INIT}, then its mode. Touched
 * only by the stand-in's selector thread. While bytes wait to be written the connection does not
 * read (backpressure, as a real server's socket buffer).
 */
final class VncConnection {
  private static final byte[] BANNER = RfbClient.BANNER;
  private static final byte[] VNC_AUTH_ONLY = {1, RfbClient.SECURITY_VNC_AUTH};
  private static final int CHALLENGE_BYTES = 16;

  /** The client's version, its security type and its 16-byte response. */
  private static final int CLIENT_AUTH_BYTES = BANNER.length + 1 + CHALLENGE_BYTES;

  private static final byte[] RESULT_OK = {0, 0, 0, 0};
  private static final byte[] REFUSED = "Authentication failed".getBytes(StandardCharsets.US_ASCII);
  private static final int CHUNK = 64 * 1024;
  private static final ByteBuffer SOURCE_CHUNK = sourceChunk();
  private static final int WRITES_PER_WAKEUP = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private enum Step {
    AUTH,
    CLIENT_INIT,
    MODE,
    RUNNING,
    CLOSING
  }

  private final SelectionKey key;
  private final SocketChannel channel;
  private final Supplier<String> password;
  private final VncCounters counters;
  private final Runnable onClose;
  private final Queue<ByteBuffer> pending = new ArrayDeque<>();
  private final ByteBuffer clientAuth = ByteBuffer.allocate(CLIENT_AUTH_BYTES);

  /**
   * One read buffer per stand-in thread, not per connection (10,000 connections of 64 KiB each
   * would not fit the benchmark backend's heap): each read is consumed, counted or copied, before
   * the next.
   */
  private static final ThreadLocal<ByteBuffer> READ_BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(CHUNK));

  private ByteBuffer readBuffer;
  private final byte[] challenge = new byte[CHALLENGE_BYTES];
  private VncMode mode;
  private Step step = Step.AUTH;
  private int sourceOffset;

  VncConnection(
      SelectionKey key,
      VncMode mode,
      Supplier<String> password,
      VncCounters counters,
      Runnable onClose) {
    this.key = key;
    this.channel = (SocketChannel) key.channel();
    this.mode = mode;
    this.password = password;
    this.counters = counters;
    this.onClose = onClose;
    if (password != null) {
      RANDOM.nextBytes(challenge);
    }
    // Banner, security types and challenge at once: a client reads them in its own steps.
    pending.add(
        ByteBuffer.allocate(BANNER.length + VNC_AUTH_ONLY.length + CHALLENGE_BYTES)
            .put(BANNER)
            .put(VNC_AUTH_ONLY)
            .put(challenge)
            .flip());
  }

  void onWritable() throws IOException {
    while (!pending.isEmpty()) {
      ByteBuffer head = pending.peek();
      channel.write(head);
      if (head.hasRemaining()) {
        return;
      }
      pending.remove();
    }
    if (step == Step.CLOSING) {
      close();
      return;
    }
    if (step == Step.RUNNING && mode == VncMode.SOURCE) {
      source();
    }
    interest();
  }

  void onReadable() throws IOException {
    readBuffer = READ_BUFFERS.get();
    readBuffer.clear();
    if (channel.read(readBuffer) < 0) {
      close();
      return;
    }
    readBuffer.flip();
    if (step == Step.AUTH) {
      authenticate();
    }
    if (step == Step.CLIENT_INIT && readBuffer.hasRemaining()) {
      (readBuffer.get() == 0 ? counters.exclusiveInits : counters.sharedInits).incrementAndGet();
      send(VncStandIn.SERVER_INIT);
      step = mode == VncMode.CHOSEN_BY_CLIENT ? Step.MODE : Step.RUNNING;
    }
    if (step == Step.MODE && readBuffer.hasRemaining()) {
      pickMode(readBuffer.get());
    }
    if (step == Step.RUNNING && readBuffer.hasRemaining()) {
      if (mode == VncMode.ECHO || mode == VncMode.MIRROR) {
        send(Arrays.copyOfRange(readBuffer.array(), readBuffer.position(), readBuffer.limit()));
      }
    }
    interest();
  }

  private void authenticate() {
    while (clientAuth.hasRemaining() && readBuffer.hasRemaining()) {
      clientAuth.put(readBuffer.get());
    }
    if (clientAuth.hasRemaining()) {
      return;
    }
    byte[] got = clientAuth.array();
    if (!Arrays.equals(got, 0, BANNER.length, BANNER, 0, BANNER.length)
        || got[BANNER.length] != RfbClient.SECURITY_VNC_AUTH) {
      step = Step.CLOSING;
      return;
    }
    if (!passwordMatches(Arrays.copyOfRange(got, BANNER.length + 1, got.length))) {
      counters.refusals.incrementAndGet();
      send(
          ByteBuffer.allocate(8 + REFUSED.length)
              .putInt(1)
              .putInt(REFUSED.length)
              .put(REFUSED)
              .array());
      step = Step.CLOSING;
      return;
    }
    counters.logins.incrementAndGet();
    send(RESULT_OK);
    step = Step.CLIENT_INIT;
  }

  private boolean passwordMatches(byte[] response) {
    if (password == null) {
      return true;
    }
    String now = password.get();
    return now != null && Arrays.equals(response, RfbClient.desResponse(challenge, now));
  }

  /** The byte after ClientInit picks a {@link VncMode#CHOSEN_BY_CLIENT} connection's mode. */
  private void pickMode(byte letter) {
    mode = VncMode.picked(letter);
    step = mode == null ? Step.CLOSING : Step.RUNNING;
  }

  /** A bounded number of writes per wake-up, so one fast reader cannot starve the others. */
  private void source() throws IOException {
    for (int i = 0; i < WRITES_PER_WAKEUP; i++) {
      ByteBuffer chunk = SOURCE_CHUNK.duplicate();
      chunk.position(sourceOffset);
      int written = channel.write(chunk);
      if (written <= 0) {
        return;
      }
      counters.sourced.addAndGet(written);
      sourceOffset = (sourceOffset + written) % CHUNK;
    }
  }

  private void send(byte[] bytes) {
    pending.add(ByteBuffer.wrap(bytes));
  }

  private void interest() {
    if (!key.isValid()) {
      return;
    }
    boolean sourcing = step == Step.RUNNING && mode == VncMode.SOURCE;
    if (!pending.isEmpty() || step == Step.CLOSING) {
      key.interestOps(SelectionKey.OP_WRITE);
    } else if (sourcing) {
      key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
    } else {
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  void close() {
    if (!channel.isOpen()) {
      return;
    }
    key.cancel();
    try {
      channel.close();
    } catch (IOException e) {
      // already gone
    }
    counters.open.decrementAndGet();
    onClose.run();
  }

  private static ByteBuffer sourceChunk() {
    ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
    for (int i = 0; i < CHUNK; i++) {
      chunk.put((byte) ('A' + i % 26));
    }
    return chunk.flip();
  }
}
