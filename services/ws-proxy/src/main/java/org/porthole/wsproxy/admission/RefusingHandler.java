package org.porthole.wsproxy.admission;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.websocket.HttpRejection;

/**
 * The last handler of a connection refused at accept by a cap: answers its request with the refusal
 * (429 or 503, {@code Retry-After}, {@code Connection: close}) and closes; a client that sends no
 * complete request within {@link #WAIT_SECONDS} is disconnected. A refused connection therefore
 * costs the proxy a socket and the HTTP decoder for at most that long.
 *
 * <p>Threading: one instance per connection, used only on its event loop.
 */
public final class RefusingHandler extends ChannelInboundHandlerAdapter {

  /** How long a refused connection may take to send its request. */
  public static final long WAIT_SECONDS = 2;

  /** Suggested wait before a retry. */
  static final int RETRY_AFTER_SECONDS = 1;

  private final PortholeStatus status;
  private final String reason;
  private ScheduledFuture<?> timer;
  private boolean answered;

  public RefusingHandler(PortholeStatus status, String reason) {
    this.status = Objects.requireNonNull(status, "status");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    boolean request = msg instanceof FullHttpRequest;
    ReferenceCountUtil.release(msg);
    if (request && !answered) {
      answered = true;
      HttpRejection.send(ctx, status, reason, RETRY_AFTER_SECONDS);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void arm(ChannelHandlerContext ctx) {
    if (timer == null) {
      timer =
          ctx.executor()
              .schedule(
                  () -> {
                    ctx.close();
                  },
                  WAIT_SECONDS,
                  TimeUnit.SECONDS);
    }
  }
}
