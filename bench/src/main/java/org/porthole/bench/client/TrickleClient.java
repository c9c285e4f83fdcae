package org.porthole.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A console someone works at, slowly: once established it sends an RFB PointerEvent (6 bytes) every
 * period through the echo backend and counts the bytes that come back, as a trickle of typing or
 * mouse moves over a long-held console. Runs on its channel's event loop.
 */
public final class TrickleClient extends ConsoleClient {
  /** PointerEvent: type 5, no button, x = 10, y = 10. */
  private static final byte[] POINTER = {5, 0, 0, 10, 0, 10};

  /** What every trickling console of a run shares: whether to send, and the byte counts. */
  public static final class Totals {
    private volatile boolean sending = true;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong echoed = new AtomicLong();
    final AtomicInteger dropped = new AtomicInteger();

    /** No console sends after this (a tick already under way may still). */
    public void stopSending() {
      sending = false;
    }

    public long sentBytes() {
      return sent.get();
    }

    public long echoedBytes() {
      return echoed.get();
    }

    /** Consoles that closed after being established. */
    public int dropped() {
      return dropped.get();
    }
  }

  private final long periodNanos;
  private final IdleHolder.Outcome outcome;
  private final Totals totals;
  private ScheduledFuture<?> ticker;
  private boolean settled;

  public TrickleClient(long periodNanos, IdleHolder.Outcome outcome, Totals totals) {
    this.periodNanos = periodNanos;
    this.outcome = outcome;
    this.totals = totals;
  }

  @Override
  protected void onEstablished(ChannelHandlerContext ctx) {
    settled = true;
    outcome.settled(true);
    ticker =
        ctx.executor()
            .scheduleAtFixedRate(() -> tick(ctx), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  private void tick(ChannelHandlerContext ctx) {
    if (!totals.sending) {
      ticker.cancel(false);
      return;
    }
    totals.sent.addAndGet(POINTER.length);
    ctx.writeAndFlush(ctx.alloc().buffer(POINTER.length).writeBytes(POINTER));
  }

  @Override
  protected void onData(ChannelHandlerContext ctx, ByteBuf data) {
    totals.echoed.addAndGet(data.readableBytes());
  }

  @Override
  protected void onClosed(boolean wasEstablished) {
    if (ticker != null) {
      ticker.cancel(false);
    }
    if (wasEstablished) {
      totals.dropped.incrementAndGet();
    }
    if (!settled) {
      settled = true;
      outcome.settled(false);
    }
  }
}
