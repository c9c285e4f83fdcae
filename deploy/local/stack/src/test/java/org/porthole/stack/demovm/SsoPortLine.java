package org.porthole.stack.demovm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Reads the guest's first line on the host end of its SSO port, with a deadline. */
final class SsoPortLine {
  private static final int MAX_LINE = 64 * 1024;

  private SsoPortLine() {}

  /** The first line (without its end) or what came before the deadline or the end of stream. */
  static String first(SocketChannel channel, Duration within) throws IOException {
    channel.configureBlocking(false);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    Instant deadline = Instant.now().plus(within);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      while (Instant.now().isBefore(deadline) && line.size() < MAX_LINE) {
        long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        if (selector.select(left) == 0) {
          continue;
        }
        selector.selectedKeys().clear();
        buffer.clear();
        int n = channel.read(buffer);
        if (n < 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          byte b = buffer.get(i);
          if (b == '\n') {
            return line.toString(StandardCharsets.UTF_8);
          }
          line.write(b);
        }
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
