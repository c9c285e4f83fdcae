package org.porthole.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Base of every measuring client: a console counts as established when its RFB handshake is done
 * through the path (for Porthole: after both token checks, the agent's authentication to the
 * backend and the agent's own handshake, security None; directly: the backend's VNC Authentication)
 * and ClientInit was answered with the ServerInit. Subclasses see the bytes after the handshake.
 * Each instance serves one channel and runs on that channel's event loop; {@link #onClosed} runs
 * exactly once, also when the connect fails.
 */
public abstract class ConsoleClient extends ChannelInboundHandlerAdapter {
  private final RfbHandshake handshake = new RfbHandshake();
  private boolean established;
  private boolean closed;

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ByteBuf buf = (ByteBuf) msg;
    try {
      if (!handshake.done()) {
        ByteBuf reply;
        try {
          reply = handshake.accept(buf);
        } catch (IllegalStateException e) {
          ctx.close();
          return;
        }
        if (reply != null) {
          ctx.writeAndFlush(reply);
        }
        if (!handshake.done()) {
          return;
        }
        established = true;
        onEstablished(ctx);
      }
      if (buf.isReadable()) {
        onData(ctx, buf);
      }
    } finally {
      buf.release();
    }
  }

  @Override
  public final void channelInactive(ChannelHandlerContext ctx) {
    closeOnce();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Called by the connector when the TCP connect itself failed (no channel became active). */
  final void connectFailed() {
    closeOnce();
  }

  private void closeOnce() {
    if (!closed) {
      closed = true;
      onClosed(established);
    }
  }

  /** The handshake is done and the ServerInit read: the console is usable. */
  protected abstract void onEstablished(ChannelHandlerContext ctx);

  /** Bytes after the handshake; the caller releases {@code data}. */
  protected void onData(ChannelHandlerContext ctx, ByteBuf data) {}

  /**
   * The connection ended (or never started); {@code wasEstablished} tells whether the handshake was
   * done.
   */
  protected void onClosed(boolean wasEstablished) {}
}
