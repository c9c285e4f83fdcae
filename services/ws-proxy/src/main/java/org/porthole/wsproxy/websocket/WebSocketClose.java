package org.porthole.wsproxy.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a WebSocket with a close code that says why: at most one close frame per connection, then
 * the TCP connection is closed once the frame is written, or after {@link #FORCE_CLOSE_SECONDS}
 * when a client that does not read keeps the frame from being written.
 */
public final class WebSocketClose {

  /** RFC 6455 "going away": the peer stopped answering pings. Not in the status table. */
  public static final int GOING_AWAY = 1001;

  /** Longest close reason allowed by RFC 6455 (control frame payload 125 bytes minus the code). */
  static final int MAX_REASON_BYTES = 123;

  static final long FORCE_CLOSE_SECONDS = 3;

  private static final AttributeKey<Boolean> CLOSING =
      AttributeKey.valueOf(WebSocketClose.class, "closing");

  private WebSocketClose() {}

  /** Sends close frame {@code code}/{@code reason} unless one was already sent, then closes. */
  public static void close(Channel channel, int code, String reason) {
    if (!markClosing(channel)) {
      return;
    }
    ChannelFuture written = channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)));
    written.addListener(ChannelFutureListener.CLOSE);
    if (!written.isDone()) {
      forceCloseLater(channel);
    }
  }

  /**
   * Records that a close frame is already on its way (Netty's frame decoder sends one itself on a
   * protocol violation) and bounds how long the connection may linger.
   */
  public static void closingElsewhere(Channel channel) {
    if (markClosing(channel)) {
      forceCloseLater(channel);
    }
  }

  private static boolean markClosing(Channel channel) {
    return channel.attr(CLOSING).setIfAbsent(Boolean.TRUE) == null;
  }

  private static void forceCloseLater(Channel channel) {
    if (!channel.isOpen()) {
      return;
    }
    ScheduledFuture<?> force =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  channel.close();
                },
                FORCE_CLOSE_SECONDS,
                TimeUnit.SECONDS);
    channel.closeFuture().addListener(f -> force.cancel(false));
  }

  /** {@code reason} cut to {@link #MAX_REASON_BYTES} UTF-8 bytes, control characters removed. */
  static String truncate(String reason) {
    if (reason == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(reason.length(), MAX_REASON_BYTES));
    int bytes = 0;
    for (int i = 0; i < reason.length(); ) {
      int cp = reason.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isISOControl(cp) || Character.isSurrogate((char) cp)) {
        continue;
      }
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_REASON_BYTES) {
        break;
      }
      bytes += size;
      out.appendCodePoint(cp);
    }
    return out.toString();
  }
}
