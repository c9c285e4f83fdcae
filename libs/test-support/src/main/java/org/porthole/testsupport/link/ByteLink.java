package org.porthole.testsupport.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A byte stream to a VNC server: straight over TCP or a unix socket, through the ws-proxy, or over
 * any stream pair a test holds. Protocol clients (RFB) are written once against it.
 */
public interface ByteLink extends AutoCloseable {
  /** Reads exactly {@code n} bytes or fails after {@code timeout}. */
  byte[] read(int n, Duration timeout) throws IOException;

  void write(byte[] bytes) throws IOException;

  @Override
  void close();

  /**
   * A link over streams the caller owns (closing the link closes neither); reads block without a
   * timeout of their own, so the stream must time out (a socket's SO_TIMEOUT, a test's deadline).
   */
  static ByteLink of(InputStream in, OutputStream out) {
    return new StreamLink(in, out);
  }
}
