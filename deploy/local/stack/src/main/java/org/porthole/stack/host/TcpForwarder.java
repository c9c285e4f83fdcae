package org.porthole.stack.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards TCP connections from one address and port to a port on 127.0.0.1, byte for byte: lets a
 * server that binds one address (Keycloak binds its http and https ports to one host) also answer
 * on an {@link ExtraAddress}, with TLS still ended by the server itself. Threading: one thread
 * accepts; each connection has one thread per direction, which copies until its source ends and
 * then half-closes the other side. {@link #close()} stops accepting and cuts every connection.
 */
public final class TcpForwarder implements AutoCloseable {
  private static final int BUFFER = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private TcpForwarder(ServerSocket listener, int targetPort) {
    this.listener = listener;
    this.targetPort = targetPort;
  }

  /**
   * Listens on {@code address}:{@code port} and forwards each connection to 127.0.0.1:{@code
   * targetPort}.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  public static TcpForwarder start(InetAddress address, int port, int targetPort)
      throws IOException {
    ServerSocket listener = new ServerSocket();
    try {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(address, port), 64);
    } catch (IOException e) {
      listener.close();
      throw new IOException(
          "cannot listen on " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
    }
    TcpForwarder forwarder = new TcpForwarder(listener, targetPort);
    Thread acceptor = new Thread(forwarder::acceptLoop, "forward-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
    return forwarder;
  }

  /** The port it listens on. */
  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      open.add(client);
      Thread t = new Thread(() -> connect(client), "forward-" + port() + "-connect");
      t.setDaemon(true);
      t.start();
    }
  }

  private void connect(Socket client) {
    Socket target = new Socket();
    open.add(target);
    try {
      target.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(target);
      return;
    }
    AtomicInteger ended = new AtomicInteger();
    Thread back = new Thread(() -> pump(target, client, ended), "forward-" + port() + "-back");
    back.setDaemon(true);
    back.start();
    pump(client, target, ended);
  }

  /**
   * Copies until {@code from} ends, then half-closes {@code to}; the second direction to end (or
   * the first to fail) closes both sockets.
   */
  private void pump(Socket from, Socket to, AtomicInteger ended) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
      if (ended.incrementAndGet() < 2) {
        return;
      }
    } catch (IOException e) {
      // a reset or a close on either side: end the whole connection
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // nothing more to release
    }
    open.forEach(this::closeQuietly);
  }
}
