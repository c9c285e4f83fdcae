package org.porthole.hostagent.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The agent's gRPC server on one address with mutual TLS. Messages are capped a little
 * above the largest legal frame (64 KiB of console data) so oversized input is refused by
 * gRPC before it reaches the service.
 */
public final class AgentServer {
  static final int MAX_MESSAGE_BYTES = 128 * 1024;
  private static final long MIN_CLIENT_PING_SECONDS = 10;

  private AgentServer() {}

  /** Builds and starts the server; fails if the address is taken. */
  public static Server start(String bindAddress, int port, ServerCredentials credentials,
      BindableService service) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress(bindAddress, port), credentials)
        .addService(service)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .permitKeepAliveTime(MIN_CLIENT_PING_SECONDS, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .build()
        .start();
  }
}
