package org.porthole.hostagent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP server a benchmark-mode agent relays to, on 127.0.0.1. It first speaks like QEMU with a
 * password: RFB 3.8, VNC Authentication, a challenge, and OK for any response (a benchmark backend
 * has no password; the agent's handshake code runs as for a VM). Then the client's first byte (in
 * the ClientInit's place) picks the mode: {@code E} echoes every later byte, {@code S} sends 16 KiB
 * blocks as fast as the socket takes them (counting what the kernel accepted, so a stalled send is
 * visible).
 */
final class BenchBackend implements AutoCloseable {
  static final byte ECHO = 'E';
  static final byte SOURCE = 'S';

  /** Version, one security type (VNC Authentication), a 16-byte challenge: sent at once. */
  private static final byte[] GREETING =
      TestBytes.concat(
          "RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          new byte[] {1, 2},
          new byte[16]);

  /** The agent's version, security type and 16-byte response. */
  private static final int AGENT_HANDSHAKE_BYTES = 12 + 1 + 16;

  private static final ByteBuf BLOCK =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(16 * 1024).writeZero(16 * 1024).asReadOnly());

  private final EventLoopGroup group =
      new NioEventLoopGroup(2, new DefaultThreadFactory("bench-backend", true));
  private final Channel server;
  final AtomicInteger open = new AtomicInteger();
  final AtomicLong sourceBytesSent = new AtomicLong();

  BenchBackend() throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new Mode());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private final class Mode extends ChannelInboundHandlerAdapter {
    private byte mode;
    private int handshakeLeft = AGENT_HANDSHAKE_BYTES;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      open.incrementAndGet();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(GREETING));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open.decrementAndGet();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      if (handshakeLeft > 0) {
        int n = Math.min(handshakeLeft, in.readableBytes());
        in.skipBytes(n);
        handshakeLeft -= n;
        if (handshakeLeft == 0) {
          ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0})); // SecurityResult OK
        }
      }
      if (mode == 0 && in.isReadable()) {
        mode = in.readByte();
        if (mode == SOURCE) {
          pump(ctx);
        }
      }
      if (mode == ECHO && in.isReadable()) {
        ctx.writeAndFlush(in);
      } else {
        in.release();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (mode == SOURCE) {
        pump(ctx);
      }
    }

    private void pump(ChannelHandlerContext ctx) {
      while (ctx.channel().isActive() && ctx.channel().isWritable()) {
        ctx.writeAndFlush(BLOCK.duplicate())
            .addListener(
                (ChannelFutureListener)
                    f -> {
                      if (f.isSuccess()) {
                        sourceBytesSent.addAndGet(BLOCK.capacity());
                      }
                    });
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
