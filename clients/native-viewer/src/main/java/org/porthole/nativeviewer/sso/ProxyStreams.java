package org.porthole.nativeviewer.sso;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import org.porthole.nativeviewer.tunnel.ProxyConnection;
import org.porthole.sso.protocol.SsoLines;

/**
 * A ws-proxy connection as the plain streams the SSO library reads and writes. Reads hand out what
 * the connection has, at most what was asked for (a WebSocket message may be split over reads or a
 * line over messages: the library's framer joins them); writes go out as one binary message each
 * and return once sent, so flushing has nothing left to do. Closing a stream leaves the connection
 * to its owner.
 */
public final class ProxyStreams {
  /** Where bytes come from: up to {@code len} bytes, blocking, or -1 at the end. */
  @FunctionalInterface
  public interface Source {
    int read(byte[] buf, int off, int len) throws IOException, InterruptedException;
  }

  /** Where bytes go: all {@code len} of them, returning once they were sent. */
  @FunctionalInterface
  public interface Sink {
    void write(byte[] buf, int off, int len) throws IOException;
  }

  private ProxyStreams() {}

  /** The SSO channel's lines over {@code connection}. */
  public static SsoLines lines(ProxyConnection connection) {
    return new SsoLines(input(connection::read), output(connection::write));
  }

  /**
   * An input stream over {@code source}; an interrupted read is an {@link InterruptedIOException}.
   */
  public static InputStream input(Source source) {
    Objects.requireNonNull(source, "source");
    return new InputStream() {
      private boolean ended;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
          n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0) {
          return 0;
        }
        if (ended) {
          return -1;
        }
        int n;
        try {
          n = source.read(buf, off, len);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading the SSO channel");
        }
        if (n < 0) {
          ended = true;
          return -1;
        }
        return n;
      }
    };
  }

  /** An output stream over {@code sink}. */
  public static OutputStream output(Sink sink) {
    Objects.requireNonNull(sink, "sink");
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        sink.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len > 0) {
          sink.write(buf, off, len);
        }
      }
    };
  }
}
