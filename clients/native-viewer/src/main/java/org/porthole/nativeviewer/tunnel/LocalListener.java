package org.porthole.nativeviewer.tunnel;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The loopback port a local viewer connects to. It admits exactly one connection, the first that
 * proves it holds this console's {@link VncPassword}, within the accept window (60 s); every other
 * connection (another local user who found the port) is refused after the password check and closed
 * without a byte of the VM. Once one is admitted the port is closed: a connection after that is
 * refused by the kernel.
 */
public final class LocalListener implements AutoCloseable {
  /** How long the viewer has to connect. */
  public static final Duration ACCEPT_WINDOW = Duration.ofSeconds(60);

  private static final int HANDSHAKE_TIMEOUT_MS = 10_000;
  private static final int POLL_MS = 500;

  private final ServerSocket server;
  private final VncPassword password;
  private final Clock clock;

  private LocalListener(ServerSocket server, VncPassword password, Clock clock) {
    this.server = server;
    this.password = password;
    this.clock = clock;
  }

  /** Listens on 127.0.0.1, on a port the system picks. */
  public static LocalListener open(VncPassword password, Clock clock) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    return new LocalListener(server, password, clock);
  }

  /** The port to hand to the viewer. */
  public int port() {
    return server.getLocalPort();
  }

  /** The loopback host, as a literal. */
  public String host() {
    return server.getInetAddress().getHostAddress();
  }

  /**
   * Waits for the viewer: the first connection that passes the password check within {@code
   * window}, with its RFB handshake done up to SecurityResult OK; null when none did or {@code
   * keepWaiting} turned false (the viewer program exited). Closes the port either way.
   */
  public Socket awaitViewer(Duration window, BooleanSupplier keepWaiting, PrintStream err)
      throws IOException {
    Instant deadline = clock.instant().plus(window);
    try {
      while (true) {
        long left = Duration.between(clock.instant(), deadline).toMillis();
        if (left <= 0) {
          return null;
        }
        server.setSoTimeout((int) Math.min(left, POLL_MS));
        Socket s;
        try {
          s = server.accept();
        } catch (SocketTimeoutException e) {
          if (!keepWaiting.getAsBoolean()) {
            return null;
          }
          continue;
        }
        if (admitted(s)) {
          return s;
        }
        err.println(
            "porthole-viewer: refused a local connection from port "
                + s.getPort()
                + " that did not hold this console's password");
        s.close();
      }
    } finally {
      server.close();
    }
  }

  private boolean admitted(Socket s) {
    try {
      s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
      s.setTcpNoDelay(true);
      boolean ok = LocalGate.admit(s, password);
      s.setSoTimeout(0);
      return ok;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
