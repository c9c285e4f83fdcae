package org.porthole.hostagent.sso;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.porthole.hostagent.relay.BackendLoops;

/**
 * An SSO stream's non-blocking socket to the unix socket QEMU serves for the VM's SSO port (a Netty
 * channel with auto-read off, on the call's {@code console-io} loop): nothing is read until {@link
 * #read()} asks for one chunk. It carries bytes and never looks at them.
 *
 * <p>Threading: the loop runs the connect and calls the {@link Peer}; {@link #read}, {@link #write}
 * and {@link #close} may be called from any thread (Netty hands them to the loop).
 */
final class SsoPortLink {
  /** What the link reports to its stream, on the loop. */
  interface Peer {
    /** One chunk read from the port; the buffer is released after this returns. */
    void onBytes(ByteBuf chunk);

    /** A read finished: the moment to ask for the next one when the client can take it. */
    void onReadComplete();

    /** The socket closed (QEMU dropped it, an error, or {@link #close()}). */
    void onClosed(boolean byError);
  }

  private final Channel channel;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private SsoPortLink(Channel channel) {
    this.channel = channel;
    channel.closeFuture().addListener(f -> closed.complete(null));
  }

  /**
   * Connects to {@code socket} on {@code loop}; {@code done} runs on the loop with null or the
   * failure (the channel is then closed).
   */
  static SsoPortLink connect(
      BackendLoops loops, EventLoop loop, Path socket, Peer peer, Consumer<Throwable> done) {
    ChannelFuture f =
        loops
            .unixBootstrap(loop)
            .handler(new Reader(peer))
            .connect(UnixDomainSocketAddress.of(socket));
    SsoPortLink link = new SsoPortLink(f.channel());
    f.addListener((ChannelFuture c) -> done.accept(c.isSuccess() ? null : c.cause()));
    return link;
  }

  /** Asks for one more chunk; a no-op once closed. */
  void read() {
    channel.read();
  }

  /**
   * Writes every byte of {@code data} (not copied: it must stay unchanged until done); then {@code
   * done} runs on the loop with null or the failure.
   */
  void write(ByteBuffer data, Consumer<Throwable> done) {
    channel
        .writeAndFlush(Unpooled.wrappedBuffer(data))
        .addListener((ChannelFuture f) -> done.accept(f.isSuccess() ? null : f.cause()));
  }

  /** Closes the socket; the future completes once it is closed (the VM's port is free again). */
  CompletableFuture<Void> close() {
    try {
      channel.close();
    } catch (RuntimeException e) {
      closed.complete(null); // never registered: nothing was connected
    }
    return closed;
  }

  /** Pipeline end: hands chunks to the stream and releases them. Loop only. */
  private static final class Reader extends ChannelInboundHandlerAdapter {
    private final Peer peer;
    private boolean failed;

    Reader(Peer peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf chunk = (ByteBuf) msg;
      try {
        peer.onBytes(chunk);
      } finally {
        chunk.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      peer.onReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failed = true;
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.onClosed(failed);
    }
  }
}
