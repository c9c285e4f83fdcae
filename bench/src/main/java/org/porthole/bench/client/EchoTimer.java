package org.porthole.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Times 64-byte round trips through the echo backend with {@link System#nanoTime}. One message is
 * in flight at a time: unpaced, the next leaves when the echo is complete (closed loop); paced, a
 * timer sends one per period when none is outstanding (a tick that finds one outstanding is counted
 * as skipped). Runs on its channel's event loop; the histogram is read only after the channel
 * closed.
 */
public final class EchoTimer extends ConsoleClient {
  /** The message size of issue 5: a key press or pointer event is smaller still. */
  public static final int MESSAGE_BYTES = 64;

  private static final byte[] MESSAGE = new byte[MESSAGE_BYTES];

  private final long periodNanos;
  private final CountDownLatch established;
  private final Histogram histogram;
  private volatile boolean recording;
  private volatile boolean running = true;
  private long sentAt;
  private int received;
  private boolean outstanding;
  private long skipped;
  private ScheduledFuture<?> ticker;

  /** {@code periodNanos} 0 means unpaced. */
  public EchoTimer(long periodNanos, CountDownLatch established, Histogram histogram) {
    this.periodNanos = periodNanos;
    this.established = established;
    this.histogram = histogram;
  }

  public void startRecording() {
    recording = true;
  }

  public void stop() {
    recording = false;
    running = false;
  }

  public long skipped() {
    return skipped;
  }

  @Override
  protected void onEstablished(ChannelHandlerContext ctx) {
    established.countDown();
    if (periodNanos == 0) {
      send(ctx);
      return;
    }
    ticker =
        ctx.executor()
            .scheduleAtFixedRate(() -> tick(ctx), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  private void tick(ChannelHandlerContext ctx) {
    if (!running) {
      ticker.cancel(false);
      return;
    }
    if (outstanding) {
      skipped++;
      return;
    }
    send(ctx);
  }

  private void send(ChannelHandlerContext ctx) {
    outstanding = true;
    received = 0;
    sentAt = System.nanoTime();
    ctx.writeAndFlush(ctx.alloc().buffer(MESSAGE_BYTES).writeBytes(MESSAGE));
  }

  @Override
  protected void onData(ChannelHandlerContext ctx, ByteBuf data) {
    received += data.readableBytes();
    if (received < MESSAGE_BYTES) {
      return;
    }
    long rtt = System.nanoTime() - sentAt;
    outstanding = false;
    if (recording) {
      histogram.recordValue(Math.min(rtt, histogram.getHighestTrackableValue()));
    }
    if (periodNanos == 0 && running) {
      send(ctx);
    }
  }

  @Override
  protected void onClosed(boolean wasEstablished) {
    running = false;
    if (ticker != null) {
      ticker.cancel(false);
    }
  }
}
