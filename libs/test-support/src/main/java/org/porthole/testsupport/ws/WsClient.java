package org.porthole.testsupport.ws;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.porthole.testsupport.link.ByteLink;

/**
 * A console as a browser opens it through the ws-proxy: a real WebSocket over TCP (optionally TLS)
 * with {@code Origin} and subprotocols, built on Netty's client handshaker because {@code
 * java.net.http.WebSocket} refuses to set {@code Origin} and cannot misbehave. Answers pings unless
 * told not to, collects binary payloads (read in order as a {@link ByteLink}, or all at once), and
 * records the close code and reason. It can also act as a broken or slow client: raw bytes past the
 * encoder, reading paused.
 */
public final class WsClient implements ByteLink {
  /** Netty's limit on a frame this client accepts: far above any console's. */
  private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

  private static final int MAX_HANDSHAKE_RESPONSE_BYTES = 64 * 1024;
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
  private static final EventLoopGroup GROUP =
      new NioEventLoopGroup(1, new DefaultThreadFactory("ws-test-client", true));

  final Received received = new Received();
  final CompletableFuture<Integer> handshake = new CompletableFuture<>();
  final CompletableFuture<Void> firstData = new CompletableFuture<>();
  private volatile boolean answerPings;
  private volatile String subprotocol;
  private Channel channel;

  /** How the upgrade ended when the proxy refused it. */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    public final int httpStatus;

    Refused(int httpStatus) {
      super("upgrade refused with HTTP " + httpStatus);
      this.httpStatus = httpStatus;
    }
  }

  private WsClient(boolean answerPings) {
    this.answerPings = answerPings;
  }

  /**
   * Opens a console as a browser does and waits for the upgrade.
   *
   * @throws Refused when the proxy answered the upgrade with an HTTP status other than 101
   */
  public static WsClient open(String url, String origin, List<String> subprotocols)
      throws IOException {
    WsClient client;
    try {
      client =
          connect(
              URI.create(url),
              origin,
              subprotocols.isEmpty() ? null : String.join(",", subprotocols),
              null,
              true,
              null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted opening " + url, e);
    }
    int status = client.awaitHandshake(OPEN_TIMEOUT);
    if (status != 101) {
      client.close();
      throw new Refused(status);
    }
    return client;
  }

  /**
   * Connects and upgrades without waiting; {@link #handshake()} completes with 101 or the HTTP
   * status of the refusal.
   *
   * @param subprotocols comma-separated list to offer, or null
   * @param tls null for plain TCP
   * @param localAddress the source address, or null (every 127/8 address is loopback, so one
   *     machine can be many clients)
   */
  public static WsClient connect(
      URI uri,
      String origin,
      String subprotocols,
      SslContext tls,
      boolean answerPings,
      InetAddress localAddress)
      throws InterruptedException {
    WsClient client = new WsClient(answerPings);
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    if (origin != null) {
      headers.set("Origin", origin);
    }
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            uri, WebSocketVersion.V13, subprotocols, false, headers, MAX_FRAME_BYTES);
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
                            new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE_BYTES),
                            new WsClientHandler(client, handshaker));
                  }
                })
            .connect(
                new InetSocketAddress(uri.getHost(), uri.getPort()),
                localAddress == null ? null : new InetSocketAddress(localAddress, 0))
            .sync()
            .channel();
    return client;
  }

  /** Connects with {@code token} in the subprotocol list, from {@code origin}. */
  public static WsClient connect(URI uri, String origin, String token) throws InterruptedException {
    return connect(uri, origin, "binary,porthole.token." + token, null, true, null);
  }

  /** Waits for the upgrade: 101, the HTTP status of the refusal, or -1 (closed before one). */
  public int awaitHandshake(Duration timeout) throws IOException {
    try {
      return handshake.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("the upgrade failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no answer to the upgrade within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** {@link #awaitHandshake} with 5 s. */
  public int handshakeStatus() throws IOException {
    return awaitHandshake(Duration.ofSeconds(5));
  }

  /** Completes with 101 or the HTTP status of the refusal (-1: closed before an answer). */
  public CompletableFuture<Integer> handshake() {
    return handshake;
  }

  /** The subprotocol the server chose (null before the upgrade or when none). */
  public String subprotocol() {
    return subprotocol;
  }

  void subprotocol(String chosen) {
    subprotocol = chosen;
  }

  /** Stops (or resumes) answering the server's pings, as a client that hangs mid-console. */
  public void answerPings(boolean on) {
    answerPings = on;
  }

  boolean answerPings() {
    return answerPings;
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

  /** True while the socket takes more writes without queueing past the water mark. */
  public boolean isWritable() {
    return channel.isWritable();
  }

  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public byte[] read(int n, Duration timeout) throws IOException {
    return received.take(n, timeout);
  }

  /** Sends one binary frame. */
  @Override
  public void write(byte[] bytes) {
    channel
        .writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)))
        .syncUninterruptibly();
  }

  /** Waits until at least {@code count} bytes arrived in all; returns all received so far. */
  public byte[] awaitBytes(int count, Duration timeout) throws InterruptedException {
    return received.awaitTotal(count, timeout);
  }

  /** Every byte received so far (what the user's browser got). */
  public byte[] receivedSoFar() {
    return received.all();
  }

  public int receivedCount() {
    return received.total();
  }

  /** Completes when the first binary frame arrived (without polling, for rate measurements). */
  public CompletableFuture<Void> firstData() {
    return firstData;
  }

  /**
   * Waits for the server to close: its close code, -1 when the connection ended without a close
   * frame, null when it is still open after {@code timeout}.
   */
  public Integer awaitClose(Duration timeout) throws InterruptedException {
    return received.awaitClose(timeout);
  }

  /** The reason in the server's close frame ("" before one). */
  public String closeReason() {
    return received.closeReason();
  }

  /** Sends a normal close frame, then drops the connection. */
  public void closeNormally() {
    if (channel.isActive()) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(1000, "bye"))
          .awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    close();
  }

  /** Drops the TCP connection without a close frame. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }

  /** Text of bytes received, for assertions. */
  public static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
