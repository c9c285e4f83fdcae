package org.porthole.engine.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Raw HTTP/1.1 over a socket, for what an HTTP client library would not send (pipelining, bad
 * framing).
 */
final class RawHttp {

  /** How long the server may stay silent before the exchange counts as left open. */
  private static final int READ_TIMEOUT_MS = 10_000;

  private RawHttp() {}

  /**
   * Writes {@code request} as is and reads until the server closes the connection.
   *
   * @throws AssertionError when the server keeps the connection open, silent, for 10 s
   */
  static String exchange(URI server, String request) throws IOException {
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          read.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError(
            "the server left the connection open after: "
                + read.toString(StandardCharsets.US_ASCII),
            e);
      }
      return read.toString(StandardCharsets.US_ASCII);
    }
  }
}
