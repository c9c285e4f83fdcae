package org.porthole.hostagent.grpc;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.hostagent.authz.RoleInterceptor;
import org.porthole.hostagent.relay.BackendLoops;

/**
 * The agent's gRPC server on one address with mutual TLS ({@link ServerTls}); every call is
 * authorized by the caller's role ({@link RoleInterceptor}) first. Messages are capped a little
 * above the largest legal frame (64 KiB of console data) so oversized input is refused by gRPC
 * before it reaches the service.
 *
 * <p>Threads: the server runs on the relays' event loops ({@link BackendLoops}); console streams
 * run their callbacks directly on those transport threads (the relay never blocks there, see {@code
 * ConsoleRelays}), so an idle or busy console costs no executor thread and its bytes cross no
 * thread; the unary calls, which may wait on libvirt, run on {@code unaryCalls}.
 */
public final class AgentServer {
  static final int MAX_MESSAGE_BYTES = 128 * 1024;

  /**
   * What one console's client may send ahead of its VM taking it: bounds the agent's memory per
   * console (grpc's default is 1 MiB), still four of ws-proxy's largest data frames.
   */
  static final int STREAM_WINDOW_BYTES = 256 * 1024;

  /** Bytes of input all consoles of one connection may have pinned before the others stall. */
  static final int CONNECTION_WINDOW_BYTES = 64 * 1024 * 1024;

  /**
   * Clients may ping this often (the ws-proxy pings after 20 s idle by default; gRPC clients cannot
   * go below 10 s): more frequent pings get a GOAWAY.
   */
  static final long MIN_CLIENT_PING_SECONDS = 10;

  /** The agent pings a client connection idle this long, so a dead proxy's consoles end. */
  static final long PING_IDLE_SECONDS = 30;

  /** A ping unanswered this long closes the connection and its consoles. */
  static final long PING_TIMEOUT_SECONDS = 10;

  private static final String CONSOLE_METHOD =
      HostAgentGrpc.getOpenConsoleMethod().getFullMethodName();

  private AgentServer() {}

  /** Builds and starts the server; fails if the address is taken. */
  public static Server start(
      String bindAddress,
      int port,
      SslContext tls,
      RoleInterceptor roles,
      BindableService service,
      Executor unaryCalls,
      BackendLoops loops)
      throws IOException {
    return start(
        bindAddress, port, tls, roles, service, unaryCalls, loops.acceptor(), loops.group());
  }

  /** As above on the given event loops (tests without console relays). */
  public static Server start(
      String bindAddress,
      int port,
      SslContext tls,
      RoleInterceptor roles,
      BindableService service,
      Executor unaryCalls,
      EventLoopGroup acceptor,
      EventLoopGroup workers)
      throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress(bindAddress, port))
        .sslContext(tls)
        .bossEventLoopGroup(acceptor)
        .workerEventLoopGroup(workers)
        .channelFactory(() -> new WindowedServerChannel(CONNECTION_WINDOW_BYTES))
        .flowControlWindow(STREAM_WINDOW_BYTES)
        .addService(ServerInterceptors.intercept(service, roles))
        // Streams start on the transport thread (a method lookup); consoles stay there.
        .directExecutor()
        .callExecutor(
            new ServerCallExecutorSupplier() {
              @Override
              public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
                return CONSOLE_METHOD.equals(call.getMethodDescriptor().getFullMethodName())
                    ? null
                    : unaryCalls;
              }
            })
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .permitKeepAliveTime(MIN_CLIENT_PING_SECONDS, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .keepAliveTime(PING_IDLE_SECONDS, TimeUnit.SECONDS)
        .keepAliveTimeout(PING_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .build()
        .start();
  }
}
