package org.porthole.wsproxy.admission;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.refusal.Refusal;
import org.porthole.wsproxy.refusal.RefusalReporter;

/**
 * The first handler of an admitted connection: holds its {@link UnauthenticatedConnections.Slot}
 * until the token is verified ({@link AdmissionEvent#AUTHENTICATED}, after which it leaves the
 * pipeline) or the connection closes, and enforces the authentication deadline. When the deadline
 * passes it fires {@link AdmissionEvent#DEADLINE_PASSED} so the handler in charge closes with a
 * reason (before the upgrade: the connection; after it: a 4001 close frame), and closes the
 * connection itself {@link #FORCE_CLOSE_SECONDS} later if nobody did.
 *
 * <p>Threading: one instance per connection, used only on its event loop.
 */
public final class AdmissionGuard extends ChannelInboundHandlerAdapter {

  /** How long after the deadline event the connection is closed regardless. */
  static final long FORCE_CLOSE_SECONDS = 3;

  private static final System.Logger LOG = System.getLogger(AdmissionGuard.class.getName());

  private final UnauthenticatedConnections.Slot slot;
  private final Duration deadline;
  private final RefusalReporter reporter;
  private final String clientAddress;
  private ScheduledFuture<?> timer;

  public AdmissionGuard(
      UnauthenticatedConnections.Slot slot,
      Duration deadline,
      RefusalReporter reporter,
      String clientAddress) {
    this.slot = Objects.requireNonNull(slot, "slot");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.clientAddress = clientAddress;
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
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == AdmissionEvent.AUTHENTICATED) {
      ctx.pipeline().remove(this);
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (timer != null) {
      timer.cancel(false);
    }
    slot.release();
  }

  private void arm(ChannelHandlerContext ctx) {
    if (timer == null) {
      timer = ctx.executor().schedule(() -> expire(ctx), deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    String reason = "not authenticated within " + deadline.toSeconds() + " s";
    LOG.log(Level.DEBUG, "connection from {0} {1}", clientAddress, reason);
    reporter.refused(Refusal.of(PortholeStatus.TOKEN_REJECTED, reason, clientAddress));
    ctx.executor()
        .schedule(
            () -> {
              ctx.channel().close();
            },
            FORCE_CLOSE_SECONDS,
            TimeUnit.SECONDS);
    ctx.fireUserEventTriggered(AdmissionEvent.DEADLINE_PASSED);
  }
}
