package org.porthole.grpcflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import org.junit.jupiter.api.Test;

class ConnectionWindowTest {
  private static final int WIDE = 8 * 1024 * 1024;

  /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
  private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

  private static final int WINDOW_UPDATE = 8;

  @Test
  void widensTheConnectionWindowOnceHttp2IsUpAndLeavesThePipeline() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ConnectionWindow.install(channel, WIDE);
    Http2FrameCodec http2 = Http2FrameCodecBuilder.forServer().build();
    channel.pipeline().addLast(http2);

    channel.writeInbound(
        Unpooled.wrappedBuffer(
            Http2CodecUtil.connectionPrefaceBuf(), Unpooled.wrappedBuffer(EMPTY_SETTINGS)));
    channel.runPendingTasks();

    assertThat(windowOf(http2)).isEqualTo(WIDE);
    assertThat(channel.pipeline().get(ConnectionWindow.NAME)).isNull();
    assertThat(sentWindowUpdateForConnection(channel))
        .as("a WINDOW_UPDATE for stream 0 was sent")
        .isEqualTo(WIDE - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
    channel.finishAndReleaseAll();
  }

  @Test
  void waitsWhileNoHttp2HandlerIsInThePipeline() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ConnectionWindow.install(channel, WIDE);
    channel.writeInbound(
        Unpooled.wrappedBuffer(new byte[] {22, 3, 1})); // e.g. a TLS record still being negotiated
    channel.runPendingTasks();
    assertThat(channel.pipeline().get(ConnectionWindow.NAME))
        .as("still waiting for gRPC's handler")
        .isNotNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void neverNarrowsAWindow() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ConnectionWindow.install(channel, 1024);
    Http2FrameCodec http2 = Http2FrameCodecBuilder.forServer().build();
    channel.pipeline().addLast(http2);
    channel.writeInbound(
        Unpooled.wrappedBuffer(
            Http2CodecUtil.connectionPrefaceBuf(), Unpooled.wrappedBuffer(EMPTY_SETTINGS)));
    channel.runPendingTasks();
    assertThat(windowOf(http2)).isEqualTo(Http2CodecUtil.DEFAULT_WINDOW_SIZE);
    channel.finishAndReleaseAll();
  }

  private static int windowOf(Http2FrameCodec http2) {
    return http2
        .connection()
        .local()
        .flowController()
        .windowSize(http2.connection().connectionStream());
  }

  /** The increment of the first WINDOW_UPDATE for stream 0 among the frames written, or -1. */
  private static long sentWindowUpdateForConnection(EmbeddedChannel channel) {
    ByteBuf out = Unpooled.buffer();
    for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
      out.writeBytes((ByteBuf) o);
      ((ByteBuf) o).release();
    }
    try {
      while (out.readableBytes() >= 9) {
        int length = out.readUnsignedMedium();
        int type = out.readUnsignedByte();
        out.readUnsignedByte();
        int stream = out.readInt() & 0x7fffffff;
        if (type == WINDOW_UPDATE && stream == 0) {
          return out.readUnsignedInt() & 0x7fffffffL;
        }
        out.skipBytes(length);
      }
      return -1;
    } finally {
      out.release();
    }
  }
}
