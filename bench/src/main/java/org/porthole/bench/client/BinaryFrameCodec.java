package org.porthole.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * Lets the measuring handlers see a WebSocket console as a byte stream, exactly like a raw TCP one:
 * inbound binary payloads become {@link ByteBuf}s, outbound {@link ByteBuf}s become binary frames
 * (masked by Netty's client encoder). Runs on the channel's event loop.
 */
final class BinaryFrameCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
    out.add(new BinaryWebSocketFrame(msg.retain()));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
      out.add(frame.content().retain());
    } else if (frame instanceof CloseWebSocketFrame) {
      ctx.close();
    }
  }
}
