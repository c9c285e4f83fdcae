package org.porthole.testsupport.link;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A unix-socket connection with read timeouts (a non-blocking channel and a selector: a blocking
 * unix channel's stream has no SO_TIMEOUT).
 */
public final class UnixLink implements ByteLink {
  private final SocketChannel channel;
  private final Selector selector;

  public UnixLink(Path path) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(path));
    channel.configureBlocking(false);
    selector = Selector.open();
    channel.register(selector, SelectionKey.OP_READ);
  }

  @Override
  public byte[] read(int n, Duration timeout) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(n);
    Instant deadline = Instant.now().plus(timeout);
    while (buffer.hasRemaining()) {
      long left = Duration.between(Instant.now(), deadline).toMillis();
      if (left <= 0) {
        throw new IOException("no answer from the server within " + timeout);
      }
      selector.select(left);
      selector.selectedKeys().clear();
      if (channel.read(buffer) < 0) {
        throw new IOException(
            "the server closed after " + buffer.position() + " of " + n + " bytes");
      }
    }
    return buffer.array();
  }

  @Override
  public void write(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        Thread.onSpinWait();
      }
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
