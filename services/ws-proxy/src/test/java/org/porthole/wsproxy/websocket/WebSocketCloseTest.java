package org.porthole.wsproxy.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketCloseTest {

  @Test
  void cutsReasonTo123BytesWithoutSplittingCharacters() {
    String reason = "é".repeat(100);

    String cut = WebSocketClose.truncate(reason);

    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isEqualTo(122);
    assertThat(cut).isEqualTo("é".repeat(61));
  }

  @Test
  void dropsControlCharactersFromReason() {
    assertThat(WebSocketClose.truncate("a\r\nb\u0000c")).isEqualTo("abc");
    assertThat(WebSocketClose.truncate(null)).isEmpty();
  }

  @Test
  void sendsOneCloseFrameOnlyAndClosesTheConnection() {
    EmbeddedChannel channel = new EmbeddedChannel();

    WebSocketClose.close(channel, 4001, "first");
    WebSocketClose.close(channel, 1011, "second");

    CloseWebSocketFrame frame = channel.readOutbound();
    assertThat(frame.statusCode()).isEqualTo(4001);
    frame.release();
    Object next = channel.readOutbound();
    assertThat(next).isNull();
    assertThat(channel.isOpen()).isFalse();
  }
}
