package org.porthole.wsproxy.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.admission.AdmissionEvent;
import org.porthole.wsproxy.refusal.Refusal;
import org.porthole.wsproxy.refusal.RefusalReporter;

/**
 * The HTTP half of a console connection: takes exactly one request, refuses it with an HTTP error
 * unless {@link HandshakePolicy} accepts it, otherwise answers {@code 101} selecting {@code
 * binary}, removes itself and hands the connection to the {@link SessionStarter}. A client that
 * sends no complete request before the authentication deadline ({@link
 * AdmissionEvent#DEADLINE_PASSED}) is disconnected.
 *
 * <p>Threading: one instance per connection, used only on that channel's event loop.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {

  private static final System.Logger LOG = System.getLogger(HandshakeHandler.class.getName());

  private final HandshakePolicy policy;
  private final WebSocketServerHandshakerFactory handshakers;
  private final SessionStarter starter;
  private final RefusalReporter refusals;

  public HandshakeHandler(
      HandshakePolicy policy,
      WebSocketServerHandshakerFactory handshakers,
      SessionStarter starter) {
    this(policy, handshakers, starter, RefusalReporter.NONE);
  }

  /**
   * A handler that reports refused origins and client addresses to {@code refusals} (the audit).
   */
  public HandshakeHandler(
      HandshakePolicy policy,
      WebSocketServerHandshakerFactory handshakers,
      SessionStarter starter,
      RefusalReporter refusals) {
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.handshakers = Objects.requireNonNull(handshakers, "handshakers");
    this.starter = Objects.requireNonNull(starter, "starter");
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == AdmissionEvent.DEADLINE_PASSED) {
      LOG.log(Level.DEBUG, "no upgrade request from {0} in time", ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    FullHttpRequest request = (FullHttpRequest) msg;
    try {
      handle(ctx, request);
    } finally {
      request.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.DEBUG, "closing connection before upgrade: {0}", cause.toString());
    ctx.close();
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    HandshakeVerdict verdict = policy.check(request, ctx.channel().remoteAddress());
    if (!verdict.accepted()) {
      LOG.log(Level.DEBUG, "upgrade from {0} refused: {1}", ctx.channel().remoteAddress(), verdict);
      if (verdict.rejection() == PortholeStatus.ORIGIN_REJECTED
          || verdict.rejection() == PortholeStatus.FORBIDDEN) {
        refusals.refused(
            Refusal.of(
                verdict.rejection(), verdict.message(), describe(ctx.channel().remoteAddress())));
      }
      HttpRejection.send(ctx, verdict.rejection(), verdict.message());
      return;
    }
    WebSocketServerHandshaker handshaker = handshakers.newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    try {
      handshaker
          .handshake(ctx.channel(), request)
          .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    } catch (WebSocketHandshakeException e) {
      HttpRejection.send(ctx, PortholeStatus.BAD_REQUEST, "invalid WebSocket handshake");
      return;
    }
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(this);
    starter.start(
        pipeline, verdict.token(), describe(ctx.channel().remoteAddress()), verdict.channel());
  }

  /**
   * {@code ip:port} ({@code [ip]:port} for IPv6) of an inet address; {@code toString()} otherwise.
   */
  public static String describe(SocketAddress address) {
    if (!(address instanceof InetSocketAddress)
        || ((InetSocketAddress) address).getAddress() == null) {
      return String.valueOf(address);
    }
    InetSocketAddress inet = (InetSocketAddress) address;
    String ip = inet.getAddress().getHostAddress();
    return (inet.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + inet.getPort();
  }
}
