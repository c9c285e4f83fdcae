package org.porthole.hostagent.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * A relay's blocking socket to QEMU's VNC server, registered in the {@link RelayRegistry}
 * before it connects: the TCP socket is bound to an ephemeral port first, so that the
 * GRAPHICS CONNECT event, which QEMU may emit before {@code connect()} returns here, already
 * finds its session.
 *
 * <p>Threading: one thread reads, one thread writes (full duplex); {@link #close()} may be
 * called from any thread and unblocks both.
 */
final class QemuLink implements AutoCloseable {
  private final SocketChannel channel;
  private final RelayRegistry registry;
  private final RelayRegistry.Binding binding;
  private final AtomicBoolean closed = new AtomicBoolean();

  private QemuLink(SocketChannel channel, RelayRegistry registry, RelayRegistry.Binding binding) {
    this.channel = channel;
    this.registry = registry;
    this.binding = binding;
  }

  static QemuLink connect(SocketAddress target, RelayRegistry registry, String sessionId,
      String vmUuid, String clientAddress) throws AgentException {
    SocketChannel ch = null;
    RelayRegistry.Binding b = null;
    try {
      if (target instanceof UnixDomainSocketAddress) {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        b = registry.bind(sessionId, vmUuid, clientAddress, -1);
      } else {
        ch = SocketChannel.open();
        ch.bind(null);
        int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        b = registry.bind(sessionId, vmUuid, clientAddress, port);
      }
      ch.connect(target);
      return new QemuLink(ch, registry, b);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      if (b != null) {
        registry.release(b);
      }
      throw new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE,
          "cannot reach the VNC server of domain " + vmUuid, e);
    }
  }

  /** Reads up to the buffer's remaining bytes; -1 at end of stream. */
  int read(ByteBuffer buffer) throws IOException {
    return channel.read(buffer);
  }

  /** Writes every byte, blocking until QEMU took them. */
  void writeFully(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  RelayRegistry.Binding binding() {
    return binding;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(channel);
      registry.release(binding);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      // Closing is best effort; the descriptor is released either way.
    }
  }
}
