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

  /**
   * {@code n} different ports that were free on 127.0.0.1 a moment ago: each is held bound until
   * all are chosen, so the kernel cannot hand the same one out twice (two {@link #free()} calls in
   * a row can: a stack once got the same port for PostgreSQL and its host agent).
   */
  public static int[] distinct(int n) {
    java.util.List<ServerSocket> held = new java.util.ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // closing a listener that never accepted: nothing to do
        }
      }
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
