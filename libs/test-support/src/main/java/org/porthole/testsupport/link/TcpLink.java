package org.porthole.testsupport.link;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** A raw TCP connection, e.g. straight to QEMU's VNC server, bypassing Porthole. */
public final class TcpLink implements ByteLink {
  private static final int CONNECT_TIMEOUT_MS = 5000;

  private final Socket socket;
  private final InputStream in;

  public TcpLink(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
    in = socket.getInputStream();
  }

  @Override
  public byte[] read(int n, Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      byte[] b = in.readNBytes(n);
      if (b.length < n) {
        throw new IOException("the server closed after " + b.length + " of " + n + " bytes");
      }
      return b;
    } catch (SocketTimeoutException e) {
      throw new IOException("no answer from the server within " + timeout, e);
    }
  }

  @Override
  public void write(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
