package org.porthole.wsproxy.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.wsproxy.admission.AdmissionLimits;
import org.porthole.wsproxy.admission.UnauthenticatedConnections;
import org.porthole.wsproxy.refusal.RefusalReporter;
import org.porthole.wsproxy.relay.AgentConnector;
import org.porthole.wsproxy.relay.RelayGauge;
import org.porthole.wsproxy.token.ConsoleAuthenticator;

/**
 * The listening socket and its event loops. Every connection is served by one event loop thread (no
 * thread per connection); an open console costs its socket, a few handler objects, one ping timer
 * and one gRPC stream. Writes queue at most up to the high water mark before the relay stops
 * pulling from the host agent.
 */
public final class ProxyServer implements AutoCloseable {

  /** Below this many queued bytes a paused relay resumes pulling from the agent. */
  static final int LOW_WATER_MARK = 32 * 1024;

  /** Above this many queued bytes the channel is unwritable and the relay stops pulling. */
  static final int HIGH_WATER_MARK = 64 * 1024;

  /** Pending connections the kernel may hold: bursts of thousands of new consoles per second. */
  static final int BACKLOG = 4096;

  private static final System.Logger LOG = System.getLogger(ProxyServer.class.getName());

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel listener;
  private final RelayGauge gauge;
  private final UnauthenticatedConnections unauthenticated;

  private ProxyServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel listener,
      ConsoleChannelInitializer initializer) {
    this.boss = boss;
    this.workers = workers;
    this.listener = listener;
    this.gauge = initializer.gauge();
    this.unauthenticated = initializer.unauthenticated();
  }

  /** Connections that have not authenticated yet, and how many were refused. */
  public UnauthenticatedConnections unauthenticated() {
    return unauthenticated;
  }

  /** Bytes the relays hold for browsers (see {@link RelayGauge}). */
  public RelayGauge gauge() {
    return gauge;
  }

  /** Binds {@code config.bind():config.port()} and starts serving consoles. */
  public static ProxyServer start(
      ProxyConfig config,
      AdmissionLimits limits,
      RefusalReporter refusals,
      ConsoleAuthenticator authenticator,
      AgentConnector agents,
      ConsoleMeters meters)
      throws InterruptedException {
    ConsoleChannelInitializer initializer =
        new ConsoleChannelInitializer(
            ListenerTls.of(config), config, limits, refusals, authenticator, agents, meters);
    Transport transport = Transport.best();
    EventLoopGroup boss = transport.newGroup(1, "ws-proxy-accept");
    EventLoopGroup workers = transport.newGroup(0, "ws-proxy-io");
    try {
      Channel listener =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, BACKLOG)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK))
              .childHandler(initializer)
              .bind(config.bind(), config.port())
              .sync()
              .channel();
      ProxyServer server = new ProxyServer(boss, workers, listener, initializer);
      LOG.log(
          Level.INFO,
          "ws-proxy listening on {0}://{1}/v1/console ({2})",
          config.tls() ? "wss" : "ws",
          server.addressText(),
          transport);
      return server;
    } catch (InterruptedException | RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The bound address (the real port when 0 was configured). */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  private String addressText() {
    InetSocketAddress address = address();
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /** Whether the listener is open and its event loops run (the admin port's liveness). */
  public boolean serving() {
    return listener.isOpen() && !boss.isShuttingDown() && !workers.isShuttingDown();
  }

  /** Blocks until the listener is closed. */
  public void awaitClosed() throws InterruptedException {
    listener.closeFuture().await();
  }

  /** Stops accepting new connections; open ones go on. */
  public void stopAccepting() {
    listener.close().awaitUninterruptibly();
  }

  /** Stops accepting, closes every connection and stops the event loops. */
  @Override
  public void close() {
    stopAccepting();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
