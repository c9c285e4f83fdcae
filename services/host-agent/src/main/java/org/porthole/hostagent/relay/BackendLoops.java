package org.porthole.hostagent.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The few event-loop threads ({@code console-io}, one per core) that run the agent's gRPC
 * connections and every relay's socket to QEMU (TCP or unix), and the socket settings those share:
 * auto-read off (a relay reads only when its client can take the bytes), one read of at most {@link
 * #MAX_READ_BYTES} per request, pooled buffers. An idle console costs a registered socket, no
 * thread.
 *
 * <p>Why one set of loops: a console's socket to QEMU is put on the loop that serves its gRPC
 * connection ({@link #current()}), so a chunk goes from QEMU's socket into the HTTP/2 stream, and a
 * client message into QEMU's socket, on one thread. With separate loops every chunk woke another
 * thread (an eventfd write and a context switch each way; measured in docs/performance.md), which
 * cost more than the bytes themselves.
 */
public final class BackendLoops implements AutoCloseable {
  /**
   * The largest chunk read from QEMU at once: the unit of buffering per console, and one data frame
   * (the contract's maximum): fewer, larger messages cost less per byte in gRPC and TLS.
   */
  static final int MAX_READ_BYTES = 64 * 1024;

  private static final int MIN_READ_BYTES = 512;
  private static final int INITIAL_READ_BYTES = 2048;
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final EventLoopGroup acceptor;
  private final EventLoopGroup group;
  private final Bootstrap tcp;
  private final Bootstrap unix;

  BackendLoops(int threads) {
    acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("agent-accept", true));
    group = new NioEventLoopGroup(threads, new DefaultThreadFactory("console-io", true));
    Bootstrap base =
        new Bootstrap()
            .group(group)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, INITIAL_READ_BYTES, MAX_READ_BYTES)
                    .maxMessagesPerRead(1))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
    tcp =
        base.clone()
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            // Relays bind an ephemeral port before connecting (see QemuLink). Ending a console
            // with a reset instead of a FIN leaves no TIME_WAIT port behind: otherwise each
            // closed console holds its port for 60 s, and with thousands of them every bind
            // searches the port range in the kernel (measured: 0.6 ms of system time per
            // console) until the range runs out. Nothing is lost: the console has ended.
            .option(ChannelOption.SO_LINGER, 0)
            .option(ChannelOption.SO_REUSEADDR, true);
    unix = base.clone().channel(NioDomainSocketChannel.class);
  }

  /** The loops that accept the agent's gRPC connections. */
  public EventLoopGroup acceptor() {
    return acceptor;
  }

  /**
   * The loops that serve gRPC connections and QEMU sockets alike (NIO: see WindowedServerChannel).
   */
  public EventLoopGroup group() {
    return group;
  }

  /**
   * The loop the calling thread runs, or the next loop when called from elsewhere (the in-process
   * transport of unit tests, a verifier thread).
   */
  public EventLoop current() {
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        return (EventLoop) e;
      }
    }
    return group.next();
  }

  /** A fresh bootstrap for one TCP connection on {@code loop} (set its handler). */
  Bootstrap tcpBootstrap(EventLoop loop) {
    return tcp.clone(loop);
  }

  /** A fresh bootstrap for one unix-socket connection on {@code loop} (set its handler). */
  public Bootstrap unixBootstrap(EventLoop loop) {
    return unix.clone(loop);
  }

  /** Runs {@code task} once after {@code delayMs} on {@code loop}. */
  public static ScheduledFuture<?> schedule(EventLoop loop, Runnable task, long delayMs) {
    return loop.schedule(task, delayMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
