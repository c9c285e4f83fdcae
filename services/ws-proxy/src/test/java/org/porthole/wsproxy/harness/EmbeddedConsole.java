package org.porthole.wsproxy.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A console connection without a network: the proxy's real pipeline in an {@link EmbeddedChannel}
 * (with a chosen client address), driven by a WebSocket client made of Netty's own frame codecs.
 * Everything runs on the test thread; {@link #pump()} runs the channel's pending tasks (including
 * gRPC callbacks delivered to its event loop) and moves bytes until nothing changes.
 */
public final class EmbeddedConsole implements AutoCloseable {

  public static final SocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 50000);

  private final AddressedChannel server;
  private final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
  private final EmbeddedChannel decoder =
      new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 16 * 1024 * 1024, false));
  private final ByteBuf head = Unpooled.buffer();
  private Answer answer;

  /** The HTTP answer to the upgrade request. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public EmbeddedConsole(ChannelHandler initializer, SocketAddress client) {
    server = new AddressedChannel(client, initializer);
    server.freezeTime();
  }

  public EmbeddedConsole(ChannelHandler initializer) {
    this(initializer, LOOPBACK);
  }

  /** The proxy side of the connection. */
  public EmbeddedChannel server() {
    return server;
  }

  /** Sends a WebSocket upgrade for {@code uri}; {@code origin} null omits the header. */
  public Answer upgrade(String uri, String origin, String subprotocols) {
    StringBuilder request =
        new StringBuilder()
            .append("GET ")
            .append(uri)
            .append(" HTTP/1.1\r\n")
            .append("Host: localhost:8081\r\n")
            .append("Upgrade: websocket\r\n")
            .append("Connection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
            .append("Sec-WebSocket-Version: 13\r\n");
    if (origin != null) {
      request.append("Origin: ").append(origin).append("\r\n");
    }
    if (subprotocols != null) {
      request.append("Sec-WebSocket-Protocol: ").append(subprotocols).append("\r\n");
    }
    return raw(request.append("\r\n").toString());
  }

  /** Sends {@code text} as raw bytes and returns the HTTP answer once complete (or null). */
  public Answer raw(String text) {
    server.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    pump();
    return answer;
  }

  /** Sends raw bytes after the upgrade (for malformed frames). */
  public void rawBytes(byte[] bytes) {
    server.writeInbound(Unpooled.wrappedBuffer(bytes));
    pump();
  }

  /** Sends one frame, masked as a browser does. */
  public void send(WebSocketFrame frame) {
    encoder.writeOutbound(frame);
    ByteBuf bytes;
    while ((bytes = encoder.readOutbound()) != null) {
      server.writeInbound(bytes);
    }
    pump();
  }

  /** Runs pending tasks and moves bytes until quiet. */
  public void pump() {
    for (int i = 0; i < 1000; i++) {
      server.runPendingTasks();
      if (!moveOutbound()) {
        return;
      }
    }
    throw new AssertionError("the proxy never became quiet");
  }

  /** Advances the proxy's clock (timers) and pumps. */
  public void advanceSeconds(long seconds) {
    server.advanceTimeBy(seconds, java.util.concurrent.TimeUnit.SECONDS);
    pump();
  }

  /** Frames received from the proxy since the last call, in order; the caller releases them. */
  public List<WebSocketFrame> frames() {
    List<WebSocketFrame> frames = new ArrayList<>();
    Object frame;
    while ((frame = decoder.readInbound()) != null) {
      frames.add((WebSocketFrame) frame);
    }
    return frames;
  }

  /** The close frame among the frames received so far, or null; releases the others. */
  public CloseWebSocketFrame closeFrame() {
    CloseWebSocketFrame close = null;
    for (WebSocketFrame frame : frames()) {
      if (frame instanceof CloseWebSocketFrame && close == null) {
        close = (CloseWebSocketFrame) frame;
      } else {
        ReferenceCountUtil.release(frame);
      }
    }
    return close;
  }

  /** The binary payloads received since the last call, concatenated; releases every frame. */
  public byte[] binaryBytes() {
    ByteBuf all = Unpooled.buffer();
    for (WebSocketFrame frame : frames()) {
      if (frame instanceof io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame) {
        all.writeBytes(frame.content());
      }
      frame.release();
    }
    byte[] bytes = ByteBufUtil.getBytes(all);
    all.release();
    return bytes;
  }

  private boolean moveOutbound() {
    boolean moved = false;
    ByteBuf bytes;
    while ((bytes = server.readOutbound()) != null) {
      moved = true;
      if (answer == null || answer.status() != 101) {
        head.writeBytes(bytes);
        bytes.release();
        parseHead();
      } else {
        decoder.writeInbound(bytes);
      }
    }
    return moved;
  }

  private void parseHead() {
    if (answer != null) {
      return;
    }
    int end =
        ByteBufUtil.indexOf(
            Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), head);
    if (end < 0) {
      return;
    }
    String[] lines =
        head.toString(head.readerIndex(), end - head.readerIndex(), StandardCharsets.ISO_8859_1)
            .split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    head.readerIndex(end + 4);
    int length =
        headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : 0;
    String body =
        head.readCharSequence(Math.min(length, head.readableBytes()), StandardCharsets.UTF_8)
            .toString();
    answer = new Answer(status, headers, body);
    if (status == 101 && head.isReadable()) {
      decoder.writeInbound(head.retainedSlice());
      head.skipBytes(head.readableBytes());
    }
  }

  @Override
  public void close() {
    server.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
    decoder.finishAndReleaseAll();
    head.release();
  }

  /** An embedded channel whose peer has a chosen address (the proxy checks it). */
  private static final class AddressedChannel extends EmbeddedChannel {
    private final SocketAddress remote;

    AddressedChannel(SocketAddress remote, ChannelHandler initializer) {
      super(DefaultChannelId.newInstance(), false, false, initializer);
      this.remote = remote;
      try {
        register();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return remote;
    }
  }
}
