package org.porthole.testsupport.hostagent;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;

/**
 * Stand-in host agents on loopback with mutual TLS from a development PKI: each gets a free port
 * first, then the host-agent certificate naming its host id ({@code localhost:<port>} unless told
 * otherwise), the id the engine and the proxy dial and check. The transport is whichever gRPC
 * server the caller's classpath has (grpc-netty or grpc-netty-shaded).
 */
public final class AgentServers {

  /** A probed free port can be taken before the server binds it: try a few. */
  private static final int BIND_ATTEMPTS = 5;

  private AgentServers() {}

  /**
   * Starts {@code service} as {@code localhost:<port>} and returns the server; {@code direct} runs
   * its callbacks on the transport threads (for services that never block), otherwise on gRPC's
   * default executor.
   */
  public static Server start(Path pki, BindableService service, boolean direct) throws IOException {
    return onFreePort(port -> start(pki, service, direct, port, hostId(port)));
  }

  /**
   * Starts {@code service} on a free port with the certificate of {@code hostId} (for an agent
   * reached through a relay that listens at {@code hostId}); callbacks on the transport threads.
   */
  public static Server startAs(Path pki, BindableService service, String hostId)
      throws IOException {
    return onFreePort(port -> start(pki, service, true, port, hostId));
  }

  /**
   * Starts {@code service} at {@code port} as {@code host:port} on gRPC's default executor: an
   * agent that comes back at the address of an earlier one.
   */
  public static Server startAt(Path pki, BindableService service, String host, int port)
      throws IOException {
    return start(pki, service, false, port, host + ":" + port);
  }

  /** Like {@link #startAt} on a free port. */
  public static Server startOnFreePort(Path pki, BindableService service, String host)
      throws IOException {
    return onFreePort(port -> startAt(pki, service, host, port));
  }

  /** Starts a server on a port. */
  private interface PortStart {
    Server on(int port) throws IOException;
  }

  /**
   * {@code start} on a probed free port, again on another one when the bind fails: another process
   * can take the port between the probe and the server's bind.
   */
  private static Server onFreePort(PortStart start) throws IOException {
    IOException lost = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      try {
        return start.on(freePort());
      } catch (IOException e) {
        lost = e;
      }
    }
    throw lost;
  }

  private static Server start(
      Path pki, BindableService service, boolean direct, int port, String hostId)
      throws IOException {
    ServerBuilder<?> builder =
        Grpc.newServerBuilderForPort(
            port, DevPki.ensure(pki, ServiceIdentity.hostAgent(hostId)).serverCredentials());
    if (direct) {
      builder.directExecutor();
    }
    return builder.addService(service).build().start();
  }

  /** The host id of {@code server}: {@code localhost:<port>}. */
  public static String hostId(Server server) {
    return hostId(server.getPort());
  }

  private static String hostId(int port) {
    return "localhost:" + port;
  }

  /** A port free on 127.0.0.1 a moment ago. */
  public static int freePort() {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
