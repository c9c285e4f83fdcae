package org.porthole.wsproxy.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;
import java.lang.System.Logger.Level;

/**
 * Widens the HTTP/2 <em>connection</em> receive window of a host-agent channel beyond the
 * per-stream window. grpc-java gives the connection the same window as each stream; then one
 * console whose browser stopped reading pins the whole connection window with bytes it has not
 * requested, and every other console on that agent stalls behind it. With a connection window of
 * {@link AgentChannels#CONNECTION_WINDOW} each console still holds at most its stream window
 * (bounded memory per slow reader), but siblings keep flowing until that many bytes are pinned.
 *
 * <p>Threading: a pipeline handler of one gRPC channel, on its event loop. It sits first in the
 * pipeline, waits for the first read after gRPC installed its HTTP/2 handler (the agent's
 * SETTINGS), sends one WINDOW_UPDATE for stream 0 and removes itself.
 */
final class ConnectionWindow extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(ConnectionWindow.class.getName());

    private final int window;

    ConnectionWindow(int window) {
        this.window = window;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Http2ConnectionHandler http2 = ctx.pipeline().get(Http2ConnectionHandler.class);
        ctx.fireChannelRead(msg);
        if (http2 != null && ctx.pipeline().context(this) != null) {
            ctx.pipeline().remove(this);
            ctx.executor().execute(() -> widen(ctx, http2));
        }
    }

    private void widen(ChannelHandlerContext ctx, Http2ConnectionHandler http2) {
        if (!ctx.channel().isActive()) {
            return;
        }
        Http2Stream connection = http2.connection().connectionStream();
        Http2LocalFlowController flow = http2.decoder().flowController();
        int delta = window - flow.initialWindowSize(connection);
        if (delta <= 0) {
            return;
        }
        try {
            flow.incrementWindowSize(connection, delta);
            ctx.channel().flush();
        } catch (Http2Exception e) {
            LOG.log(Level.WARNING, "could not widen the HTTP/2 connection window to a host agent: {0}",
                    e.getMessage());
        }
    }
}
