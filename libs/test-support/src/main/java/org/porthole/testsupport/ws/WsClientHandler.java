package org.porthole.testsupport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;

/** The pipeline end of a {@link WsClient}: finishes the upgrade, then sorts frames. */
final class WsClientHandler extends SimpleChannelInboundHandler<Object> {
  private final WsClient client;
  private final WebSocketClientHandshaker handshaker;

  WsClientHandler(WsClient client, WebSocketClientHandshaker handshaker) {
    this.client = client;
    this.handshaker = handshaker;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    handshaker.handshake(ctx.channel());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    client.firstData.completeExceptionally(new IllegalStateException("closed before any data"));
    client.handshake.complete(-1);
    client.received.closed(-1, "connection ended without a close frame");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
    if (!handshaker.isHandshakeComplete()) {
      FullHttpResponse response = (FullHttpResponse) msg;
      try {
        handshaker.finishHandshake(ctx.channel(), response);
        client.subprotocol(handshaker.actualSubprotocol());
        client.handshake.complete(101);
      } catch (WebSocketClientHandshakeException e) {
        client.handshake.complete(response.status().code());
      }
      return;
    }
    if (msg instanceof BinaryWebSocketFrame frame) {
      ByteBuf content = frame.content();
      byte[] bytes = new byte[content.readableBytes()];
      content.readBytes(bytes);
      client.received.add(bytes);
      client.firstData.complete(null);
    } else if (msg instanceof PingWebSocketFrame ping && client.answerPings()) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
    } else if (msg instanceof CloseWebSocketFrame close) {
      client.received.closed(close.statusCode(), close.reasonText());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    client.handshake.completeExceptionally(cause);
    ctx.close();
  }
}
