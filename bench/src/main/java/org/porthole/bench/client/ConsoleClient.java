package org.porthole.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.porthole.bench.backend.VncLikeBackend;

/**
 * Base of every measuring client: a console counts as established when the backend's RFB banner
 * arrived through the path (for Porthole: after both token checks and the agent's backend
 * connect). Subclasses see the bytes after the banner. Each instance serves one channel and runs
 * on that channel's event loop; {@link #onClosed} runs exactly once, also when the connect fails.
 */
public abstract class ConsoleClient extends ChannelInboundHandlerAdapter {
  private static final byte[] BANNER = VncLikeBackend.BANNER;

  private int bannerSeen;
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
      while (bannerSeen < BANNER.length && buf.isReadable()) {
        if (buf.readByte() != BANNER[bannerSeen++]) {
          ctx.close();
          return;
        }
        if (bannerSeen == BANNER.length) {
          established = true;
          onEstablished(ctx);
        }
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

  /** The banner arrived: the console is usable. */
  protected abstract void onEstablished(ChannelHandlerContext ctx);

  /** Bytes after the banner; the caller releases {@code data}. */
  protected void onData(ChannelHandlerContext ctx, ByteBuf data) {}

  /** The connection ended (or never started); {@code wasEstablished} tells whether the banner had arrived. */
  protected void onClosed(boolean wasEstablished) {}
}
