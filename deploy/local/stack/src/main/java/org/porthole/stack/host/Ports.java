package org.porthole.stack.host;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

/** Loopback ports: finding free ones and waiting for a listener. */
public final class Ports {
  private Ports() {}

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int free() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  /** True when something accepts connections on 127.0.0.1:port. */
  public static boolean isOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until the port accepts connections, failing if {@code process} dies first. */
  public static void await(int port, Duration timeout, ChildProcess process) {
    Instant deadline = Instant.now().plus(timeout);
    while (!isOpen(port)) {
      if (process != null) {
        process.checkAlive();
      }
      if (Instant.now().isAfter(deadline)) {
        String detail =
            process == null
                ? ""
                : "; last log lines of " + process.name() + ":\n" + process.tail(40);
        throw new IllegalStateException(
            "nothing listens on 127.0.0.1:" + port + " after " + timeout + detail);
      }
      Sleep.millis(200);
    }
  }
}
