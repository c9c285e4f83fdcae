package org.porthole.wsproxy.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps idle consoles open through NATs and proxies and finds dead clients: sends a WebSocket ping
 * every interval and closes with 1001 after {@link #MAX_MISSED_PINGS} intervals in which nothing at
 * all arrived from the client. Any inbound frame (a pong, data, anything) proves the client alive,
 * so an idle console whose browser answers pings never drops. Pongs stop here.
 *
 * <p>Threading: all state lives on the channel's event loop (the timer runs there too). One
 * scheduled task per connection, no buffers.
 */
public final class KeepAliveHandler extends ChannelInboundHandlerAdapter {

  /** Unanswered pings tolerated before the connection is considered dead. */
  public static final int MAX_MISSED_PINGS = 3;

  private final long intervalNanos;
  private ScheduledFuture<?> timer;
  private int missed;

  public KeepAliveHandler(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    missed = 0;
    if (msg instanceof PongWebSocketFrame) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void start(ChannelHandlerContext ctx) {
    if (timer == null) {
      timer =
          ctx.executor()
              .scheduleAtFixedRate(
                  () -> tick(ctx), intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void tick(ChannelHandlerContext ctx) {
    if (!ctx.channel().config().isAutoRead()) {
      // Reads are paused by backpressure from the host agent: pongs cannot arrive now.
      missed = 0;
      return;
    }
    if (missed >= MAX_MISSED_PINGS) {
      stop();
      WebSocketClose.close(
          ctx.channel(), WebSocketClose.GOING_AWAY, "no answer to " + MAX_MISSED_PINGS + " pings");
      return;
    }
    missed++;
    ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
  }
}
