package org.porthole.hostagent.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * A relay's non-blocking socket to QEMU's VNC server (a Netty channel with auto-read off),
 * registered in the {@link RelayRegistry} before it connects: the TCP socket is bound to an
 * ephemeral port first, so that the GRAPHICS CONNECT event, which QEMU may emit before the connect
 * completes here, already finds its session.
 *
 * <p>Threading: the channel's event loop runs the connect steps and calls the {@link Peer} (bytes,
 * read complete, closed). {@link #read()}, {@link #write} and {@link #close()} may be called from
 * any thread; Netty hands them to the event loop. Nothing reads until {@link #read()} asks for one
 * chunk (at most {@link BackendLoops#MAX_READ_BYTES}).
 */
final class QemuLink {
  /** What the link reports to its console; called on the channel's event loop. */
  interface Peer {
    /** One chunk read from QEMU; the buffer is released after this returns. */
    void onBytes(ByteBuf chunk);

    /** A read finished: the moment to ask for the next one when the client can take it. */
    void onReadComplete();

    /** The socket closed (QEMU ended, an error, or {@link #close()}). */
    void onClosed(boolean byError);
  }

  private final Channel channel;
  private final RelayRegistry registry;
  private final RelayRegistry.Binding binding;
  private final AtomicBoolean closed = new AtomicBoolean();

  private QemuLink(Channel channel, RelayRegistry registry, RelayRegistry.Binding binding) {
    this.channel = channel;
    this.registry = registry;
    this.binding = binding;
  }

  /**
   * Connects asynchronously on {@code loop}; exactly one of {@code connected} or {@code failed}
   * runs, on that loop.
   */
  static void connect(
      BackendLoops loops,
      EventLoop loop,
      SocketAddress target,
      RelayRegistry registry,
      String sessionId,
      String vmUuid,
      String clientAddress,
      Peer peer,
      Consumer<QemuLink> connected,
      Consumer<AgentException> failed) {
    boolean unix = target instanceof UnixDomainSocketAddress;
    Bootstrap b = unix ? loops.unixBootstrap(loop) : loops.tcpBootstrap(loop);
    Consumer<Throwable> fail =
        cause ->
            failed.accept(
                new AgentException(
                    PortholeStatus.UPSTREAM_UNAVAILABLE,
                    "cannot reach the VNC server of domain " + vmUuid,
                    cause));
    Reader reader = new Reader(peer);
    b.handler(reader)
        .register()
        .addListener(
            (ChannelFuture reg) -> {
              if (!reg.isSuccess()) {
                fail.accept(reg.cause());
                return;
              }
              Channel ch = reg.channel();
              if (unix) {
                finishConnect(
                    ch,
                    target,
                    registry.bind(sessionId, vmUuid, clientAddress, -1),
                    registry,
                    reader,
                    connected,
                    fail);
                return;
              }
              ch.bind(new InetSocketAddress(0))
                  .addListener(
                      (ChannelFuture bound) -> {
                        if (!bound.isSuccess()) {
                          ch.close();
                          fail.accept(bound.cause());
                          return;
                        }
                        int port = ((InetSocketAddress) ch.localAddress()).getPort();
                        finishConnect(
                            ch,
                            target,
                            registry.bind(sessionId, vmUuid, clientAddress, port),
                            registry,
                            reader,
                            connected,
                            fail);
                      });
            });
  }

  private static void finishConnect(
      Channel ch,
      SocketAddress target,
      RelayRegistry.Binding b,
      RelayRegistry registry,
      Reader reader,
      Consumer<QemuLink> connected,
      Consumer<Throwable> fail) {
    QemuLink link = new QemuLink(ch, registry, b);
    reader.link = link;
    ch.connect(target)
        .addListener(
            (ChannelFuture f) -> {
              if (f.isSuccess()) {
                connected.accept(link);
              } else {
                link.close();
                fail.accept(f.cause());
              }
            });
  }

  /** The password response went to QEMU: an INITIALIZE event of this relay may follow. */
  void initializeExpected() {
    registry.expectInitialize(binding, true);
  }

  /** QEMU refused the password: no INITIALIZE event of this relay will come. */
  void initializeNotExpected() {
    registry.expectInitialize(binding, false);
  }

  /** Asks for one more chunk; a no-op once closed. */
  void read() {
    channel.read();
  }

  /**
   * Writes every byte of {@code data} (not copied: it must stay unchanged until done); then {@code
   * done} runs on the event loop with null, or with the failure.
   */
  void write(ByteBuffer data, Consumer<Throwable> done) {
    channel
        .writeAndFlush(Unpooled.wrappedBuffer(data))
        .addListener((ChannelFuture f) -> done.accept(f.isSuccess() ? null : f.cause()));
  }

  void close() {
    if (closed.compareAndSet(false, true)) {
      channel.close();
      registry.release(binding);
    }
  }

  /** Pipeline end: hands chunks to the console and releases them. Event loop only. */
  private static final class Reader extends ChannelInboundHandlerAdapter {
    private final Peer peer;
    private QemuLink link;
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
      if (link != null) {
        link.close();
      }
      peer.onClosed(failed);
    }
  }
}
