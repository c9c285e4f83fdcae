package org.porthole.wsproxy.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.porthole.status.PortholeStatus;

/**
 * Answers a refused upgrade request with the status table's HTTP code and the same JSON error body
 * as the engine ({@code {"status": "...", "message": "..."}}), then closes the connection so a
 * refused client cannot keep a socket open with further requests.
 */
public final class HttpRejection {

  private HttpRejection() {}

  /** Writes the error answer for {@code status} and closes the channel after it is sent. */
  public static void send(ChannelHandlerContext ctx, PortholeStatus status, String message) {
    send(ctx, status, message, 0);
  }

  /**
   * Like {@link #send(ChannelHandlerContext, PortholeStatus, String)}, with a {@code Retry-After}
   * header when {@code retryAfterSeconds} &gt; 0 (a refusal that is worth retrying shortly).
   */
  public static void send(
      ChannelHandlerContext ctx, PortholeStatus status, String message, int retryAfterSeconds) {
    ByteBuf body = Unpooled.copiedBuffer(json(status, message), StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status.httpStatus()), body);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (retryAfterSeconds > 0) {
      response.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  static String json(PortholeStatus status, String message) {
    return "{\"status\":\"" + status.name() + "\",\"message\":\"" + escape(message) + "\"}";
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
