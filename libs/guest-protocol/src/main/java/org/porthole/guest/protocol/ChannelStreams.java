package org.porthole.guest.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Byte streams over one blocking socket channel (a guest channel's unix socket), one per direction,
 * for a {@link LineReader} on one thread and a {@link LineWriter} on others. Not {@code
 * Channels.newInputStream/newOutputStream}: those take one lock for both directions, so a read
 * blocked waiting for the peer would stall every write.
 */
public final class ChannelStreams {
  private ChannelStreams() {}

  /** Reads from {@code socket}; -1 at its end. */
  public static InputStream in(SocketChannel socket) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n;
        do {
          n = socket.read(ByteBuffer.wrap(b, off, len));
        } while (n == 0);
        return n;
      }
    };
  }

  /** Writes every byte to {@code socket} before returning. */
  public static OutputStream out(SocketChannel socket) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
          socket.write(buffer);
        }
      }
    };
  }
}
