package org.porthole.hostagent.guest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.LineFramer;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.MessageCodec;

/**
 * The transport of one guest channel: one unix socket at a time, reconnected with back-off when it
 * goes away; its bytes framed into lines; whole lines written only while the guest keeps up.
 *
 * <p><b>Backpressure.</b> A guest that stops reading fills at most {@link
 * GuestChannels#WRITE_HIGH_WATER} bytes of the outbound buffer; after that {@link #write} drops the
 * line and says so (counted, logged the 1st, 10th, 100th... time). A guest that floods is read at
 * most {@link GuestChannels#MAX_READ_BYTES} at a time, its lines capped by {@link LineFramer};
 * replies written while a chunk is read are flushed once, at the chunk's end.
 *
 * <p>Runs on the event loop only (the channel's and the timers'), so it needs no locks.
 */
final class GuestLink {
  /** What the link reports to its connection, on the event loop. */
  interface Events {
    void connected();

    void frame(Frame frame);

    void closed();
  }

  private static final Logger LOG = Logger.getLogger(GuestLink.class.getName());

  private final String vmUuid;
  private final Path socket;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final GuestTimings timings;
  private final Events events;
  private final LogThrottle droppedWrites = new LogThrottle();
  private final byte[] scratch = new byte[GuestChannels.MAX_READ_BYTES];

  private Channel channel;

  /** True from a connect attempt until it succeeds or fails: one socket per guest at a time. */
  private boolean connecting;

  private boolean stopped;
  private boolean connectFailureLogged;
  private LineFramer framer = new LineFramer();

  /** True while the reader frames a chunk: lines are then flushed once, at the chunk's end. */
  private boolean reading;

  private boolean unflushed;
  private long backoffMs;
  private ScheduledFuture<?> reconnectTimer;

  GuestLink(
      String vmUuid,
      Path socket,
      EventLoop loop,
      Bootstrap bootstrap,
      GuestTimings timings,
      Events events) {
    this.vmUuid = vmUuid;
    this.socket = socket;
    this.loop = loop;
    this.bootstrap = bootstrap;
    this.timings = timings;
    this.events = events;
    this.backoffMs = timings.reconnectMin().toMillis();
  }

  /** True while a socket is open or opening. */
  boolean busy() {
    return channel != null || connecting;
  }

  /**
   * Opens the socket unless one is open or opening. QEMU serves one client per channel and leaves
   * later ones waiting unaccepted, so a second socket would be the one we listen on while the guest
   * talks on the first. Bootstrap queues the connect as a separate loop task, so a {@link
   * #connectNow} can arrive between this call and {@link #connected}.
   */
  void connect() {
    if (stopped || busy()) {
      return;
    }
    connecting = true;
    bootstrap
        .clone(loop)
        .handler(new Reader())
        .connect(UnixDomainSocketAddress.of(socket))
        .addListener(
            (ChannelFuture f) -> {
              connecting = false;
              if (f.isSuccess()) {
                connected(f.channel());
              } else {
                if (!connectFailureLogged) {
                  LOG.log(
                      Level.INFO,
                      "cannot connect to the guest channel of domain {0} yet ({1});"
                          + " retrying with back-off",
                      new Object[] {vmUuid, f.cause().getClass().getSimpleName()});
                  connectFailureLogged = true;
                }
                scheduleReconnect();
              }
            });
  }

  /** Connects now, skipping the back-off, unless a socket is open or opening. */
  void connectNow() {
    if (stopped || busy()) {
      return;
    }
    cancelReconnect();
    resetBackoff();
    connect();
  }

  /** A guest that answered properly: the next reconnect starts at the shortest delay again. */
  void resetBackoff() {
    backoffMs = timings.reconnectMin().toMillis();
  }

  /** Closes the socket for good. */
  void stop() {
    stopped = true;
    cancelReconnect();
    if (channel != null) {
      channel.close();
    }
  }

  /** Sends what was written so far, then closes the socket (it reconnects later). */
  void flushAndClose() {
    channel.flush();
    channel.close();
  }

  /** Writes one whole line if the channel is open and keeps up; false when not written. */
  boolean write(Message m) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      return false;
    }
    if (!ch.isWritable()) {
      long n = droppedWrites.count();
      if (n > 0) {
        LOG.log(
            Level.WARNING,
            "guest of domain {0} does not read its channel: {1} message(s) not sent so far",
            new Object[] {vmUuid, n});
      }
      return false;
    }
    byte[] line = (MessageCodec.encode(m) + "\n").getBytes(StandardCharsets.UTF_8);
    if (reading) {
      ch.write(Unpooled.wrappedBuffer(line), ch.voidPromise());
      unflushed = true;
    } else {
      ch.writeAndFlush(Unpooled.wrappedBuffer(line), ch.voidPromise());
    }
    return true;
  }

  private void connected(Channel ch) {
    if (stopped) {
      ch.close();
      return;
    }
    channel = ch;
    connectFailureLogged = false;
    framer = new LineFramer();
    events.connected();
  }

  private void closed(Channel ch) {
    if (ch != channel) {
      return;
    }
    channel = null;
    events.closed();
    if (!stopped) {
      LOG.log(Level.INFO, "guest channel of domain {0} closed; reconnecting", vmUuid);
      scheduleReconnect();
    }
  }

  private void scheduleReconnect() {
    if (stopped) {
      return;
    }
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, timings.reconnectMax().toMillis());
    reconnectTimer = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private void cancelReconnect() {
    if (reconnectTimer != null) {
      reconnectTimer.cancel(false);
    }
  }

  /** Frames the socket's bytes; runs on the event loop. */
  private final class Reader extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      reading = true;
      try {
        while (buf.isReadable() && ctx.channel() == channel) {
          int n = Math.min(buf.readableBytes(), scratch.length);
          buf.readBytes(scratch, 0, n);
          framer.feed(scratch, 0, n, events::frame);
        }
      } finally {
        reading = false;
        buf.release();
      }
    }

    /** One flush per read chunk, however many replies a flood of bad lines earned. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (unflushed) {
        unflushed = false;
        ctx.channel().flush();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.log(
          Level.FINE,
          "guest channel of domain {0} failed: {1}",
          new Object[] {vmUuid, cause.getClass().getSimpleName()});
      ctx.close();
    }
  }
}
