package org.porthole.wsproxy.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client over TCP (optionally TLS), built from Netty's client handshaker because
 * {@code java.net.http.WebSocket} refuses to set {@code Origin}. Answers pings unless told not to,
 * collects binary payloads and the close code.
 */
public final class WsTestClient implements AutoCloseable {

  private static final EventLoopGroup GROUP = new NioEventLoopGroup(1);

  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final CompletableFuture<Integer> handshake = new CompletableFuture<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final CompletableFuture<Void> firstData = new CompletableFuture<>();
  private final boolean answerPings;
  private Channel channel;

  private WsTestClient(boolean answerPings) {
    this.answerPings = answerPings;
  }

  /**
   * Connects and upgrades; {@link #handshakeStatus()} is 101 or the HTTP status of the refusal.
   *
   * @param subprotocols comma-separated list to offer, or null
   */
  public static WsTestClient connect(
      URI uri, String origin, String subprotocols, SslContext tls, boolean answerPings)
      throws InterruptedException {
    return connect(uri, origin, subprotocols, tls, answerPings, null);
  }

  /**
   * Like {@link #connect(URI, String, String, SslContext, boolean)}, from {@code localAddress}
   * (e.g. {@code 127.0.0.2}: every 127/8 address is loopback, so one machine can be many clients).
   */
  public static WsTestClient connect(
      URI uri,
      String origin,
      String subprotocols,
      SslContext tls,
      boolean answerPings,
      InetAddress localAddress)
      throws InterruptedException {
    WsTestClient client = new WsTestClient(answerPings);
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    if (origin != null) {
      headers.set("Origin", origin);
    }
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            uri, WebSocketVersion.V13, subprotocols, false, headers, 16 * 1024 * 1024);
    client.channel =
        new Bootstrap()
            .group(GROUP)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tls != null) {
                      ch.pipeline()
                          .addLast(tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                    }
                    ch.pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(64 * 1024),
                            client.new Handler(handshaker));
                  }
                })
            .connect(
                new InetSocketAddress(uri.getHost(), uri.getPort()),
                localAddress == null ? null : new InetSocketAddress(localAddress, 0))
            .sync()
            .channel();
    return client;
  }

  /** Connects with the token in the subprotocol list and the allowed origin. */
  public static WsTestClient connect(URI uri, String token) throws InterruptedException {
    return connect(uri, TestTokens.ORIGIN, "binary,porthole.token." + token, null, true);
  }

  public int handshakeStatus() throws Exception {
    return handshake.get(5, TimeUnit.SECONDS);
  }

  /** Completes with 101 or the HTTP status of the refusal (-1: closed before an answer). */
  public CompletableFuture<Integer> handshake() {
    return handshake;
  }

  public void send(byte[] bytes) {
    channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
  }

  public void sendText(String text) {
    channel.writeAndFlush(new TextWebSocketFrame(text));
  }

  /** Writes raw bytes to the socket, past the WebSocket encoder. */
  public void sendRaw(byte[] bytes) {
    channel.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(bytes));
  }

  /** Stops or resumes reading from the socket (a browser tab that stops reading). */
  public void reading(boolean on) {
    channel.config().setAutoRead(on);
  }

  /** Waits until at least {@code count} bytes arrived; returns all received so far. */
  public byte[] awaitBytes(int count, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      synchronized (received) {
        if (received.size() >= count) {
          return received.toByteArray();
        }
      }
      Thread.sleep(10);
    }
    synchronized (received) {
      throw new AssertionError("got " + received.size() + " of " + count + " bytes in " + timeout);
    }
  }

  /** Completes when the first binary frame arrived (without polling, for rate measurements). */
  public CompletableFuture<Void> firstData() {
    return firstData;
  }

  /** True while the socket takes more writes without queueing past the water mark. */
  public boolean isWritable() {
    return channel.isWritable();
  }

  public int receivedCount() {
    synchronized (received) {
      return received.size();
    }
  }

  /** The close code sent by the proxy, or -1 when the connection ended without one. */
  public int awaitClose(Duration timeout) throws Exception {
    return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isOpen() {
    return channel.isOpen();
  }

  /** Drops the TCP connection without a close frame. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    private final WebSocketClientHandshaker handshaker;

    Handler(WebSocketClientHandshaker handshaker) {
      this.handshaker = handshaker;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      handshaker.handshake(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      firstData.completeExceptionally(new IllegalStateException("closed before any data"));
      handshake.complete(-1);
      closeCode.complete(-1);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (!handshaker.isHandshakeComplete()) {
        FullHttpResponse response = (FullHttpResponse) msg;
        try {
          handshaker.finishHandshake(ctx.channel(), response);
          handshake.complete(101);
        } catch (WebSocketClientHandshakeException e) {
          handshake.complete(response.status().code());
        }
        return;
      }
      if (msg instanceof BinaryWebSocketFrame) {
        ByteBuf content = ((BinaryWebSocketFrame) msg).content();
        byte[] bytes = new byte[content.readableBytes()];
        content.readBytes(bytes);
        synchronized (received) {
          received.write(bytes, 0, bytes.length);
        }
        firstData.complete(null);
      } else if (msg instanceof PingWebSocketFrame && answerPings) {
        ctx.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame) msg).content().retain()));
      } else if (msg instanceof CloseWebSocketFrame) {
        closeCode.complete(((CloseWebSocketFrame) msg).statusCode());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      handshake.completeExceptionally(cause);
      ctx.close();
    }
  }

  /** Text of bytes received, for assertions. */
  public static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
