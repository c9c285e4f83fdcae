package org.porthole.bench.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's client side: one event loop group (epoll when available, else NIO, one thread per
 * core) for every connection of every phase, pooled buffers, no thread per connection, so the
 * client is not what limits a measurement.
 */
public final class ClientLoop implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  private static final int MAX_FRAME_BYTES = 1 << 20;

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;

  public ClientLoop(int threads) {
    boolean epoll = Epoll.isAvailable();
    group = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    Class<? extends SocketChannel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    bootstrap =
        new Bootstrap()
            .group(group)
            .channel(type)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
  }

  /** Which transport the loop uses, for the report. */
  public String transport() {
    return Epoll.isAvailable() ? "epoll" : "nio";
  }

  /** Connects {@code client} through {@code route}; the client learns of every outcome itself. */
  public ChannelFuture open(Route route, ConsoleClient client) {
    ChannelFuture f =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ChannelPipeline p = ch.pipeline();
                    if (route.isWebSocket()) {
                      p.addLast(
                          new HttpClientCodec(),
                          new HttpObjectAggregator(8192),
                          new WebSocketClientProtocolHandler(handshaker(route)),
                          new BinaryFrameCodec());
                    }
                    p.addLast(client);
                  }
                })
            .connect("127.0.0.1", route.port());
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            client.connectFailed();
          }
        });
    return f;
  }

  private static WebSocketClientHandshaker handshaker(Route route) {
    HttpHeaders headers = new DefaultHttpHeaders();
    if (route.origin() != null) {
      headers.set(HttpHeaderNames.ORIGIN, route.origin());
    }
    return WebSocketClientHandshakerFactory.newHandshaker(
        route.webSocketUri(),
        WebSocketVersion.V13,
        route.subprotocols().get(),
        false,
        headers,
        MAX_FRAME_BYTES);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
