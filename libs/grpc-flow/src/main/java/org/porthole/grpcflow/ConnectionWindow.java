package org.porthole.grpcflow;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;
import java.lang.System.Logger.Level;

/**
 * Widens the HTTP/2 <em>connection</em> receive window of a gRPC connection beyond the per-stream
 * window. grpc-java gives the connection the same window as each stream; then one console that does
 * not consume what it was sent (a browser that stopped reading on the proxy's side, a client
 * flooding input faster than the VM takes it on the agent's side) pins the whole connection window,
 * and every other console on that connection stalls behind it. With a wide connection window each
 * console still holds at most its stream window (bounded memory per slow console), but its siblings
 * keep flowing until that many bytes are pinned.
 *
 * <p>Threading: a pipeline handler of one channel, on its event loop. It sits first in the pipeline
 * ({@link #install}), waits for the first read after gRPC installed its HTTP/2 handler (after TLS:
 * the peer's preface or SETTINGS), sends one WINDOW_UPDATE for stream 0 and removes itself.
 */
public final class ConnectionWindow extends ChannelInboundHandlerAdapter {

  /** The handler's name in the pipeline. */
  public static final String NAME = "porthole-connection-window";

  private static final System.Logger LOG = System.getLogger(ConnectionWindow.class.getName());

  private final int window;

  private ConnectionWindow(int window) {
    this.window = window;
  }

  /**
   * Puts a handler first in {@code channel}'s pipeline that widens its connection window to {@code
   * window}.
   */
  public static void install(Channel channel, int window) {
    channel.pipeline().addFirst(NAME, new ConnectionWindow(window));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Http2ConnectionHandler http2 = ctx.pipeline().get(Http2ConnectionHandler.class);
    ctx.fireChannelRead(msg);
    if (http2 != null && ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this);
      ctx.executor().execute(() -> widen(ctx, http2));
    }
  }

  private void widen(ChannelHandlerContext ctx, Http2ConnectionHandler http2) {
    if (!ctx.channel().isActive()) {
      return;
    }
    Http2Stream connection = http2.connection().connectionStream();
    Http2LocalFlowController flow = http2.decoder().flowController();
    int delta = window - flow.initialWindowSize(connection);
    if (delta <= 0) {
      return;
    }
    try {
      flow.incrementWindowSize(connection, delta);
      ctx.channel().flush();
    } catch (Http2Exception e) {
      LOG.log(Level.WARNING, "could not widen an HTTP/2 connection window: {0}", e.getMessage());
    }
  }
}
