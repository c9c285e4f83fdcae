package org.porthole.wsproxy.relay;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.porthole.api.hostagent.v1.HostAgentGrpc;

/**
 * One shared gRPC channel (one HTTP/2 connection, many console streams) per host agent, created
 * on first use and kept for the life of the proxy. Mutual TLS with the Porthole CA; the authority
 * is the host id itself, so the agent's certificate must cover the host named in the token.
 *
 * <p>Flow control: a small per-stream window bounds what an agent can push into this process
 * for a console whose browser reads slowly (the relay requests one message at a time), and a wide
 * connection window ({@link ConnectionWindow}) keeps such a console from stalling its siblings.
 * The channels run on their own event loops (one per core; grpc-netty-shaded's Netty is not the
 * WebSocket side's).
 *
 * <p>Threading: thread-safe; {@link #stub} never blocks (channels connect lazily).
 */
public final class AgentChannels implements AgentConnector, AutoCloseable {

    /**
     * Per-stream HTTP/2 window: at most this much unrequested data per console is buffered here.
     * 64 KiB is a full-screen update's worth of VNC and bounds what a browser that stops reading
     * can pin (was 256 KiB; see README for the throughput measured).
     */
    static final int FLOW_CONTROL_WINDOW = 64 * 1024;
    /**
     * HTTP/2 connection receive window per agent (see {@link ConnectionWindow}): this many bytes
     * pinned by consoles whose browsers stopped reading before their siblings feel it.
     */
    static final int CONNECTION_WINDOW = 64 * 1024 * 1024;
    /** gRPC transport threads: one per core, like the WebSocket side (grpc's default is two per core). */
    static final int IO_THREADS = Runtime.getRuntime().availableProcessors();
    /** Largest frame accepted from an agent (data frames are ≤ 64 KiB by contract). */
    static final int MAX_INBOUND_MESSAGE = 256 * 1024;

    private static final System.Logger LOG = System.getLogger(AgentChannels.class.getName());

    private final ChannelCredentials credentials;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final EventLoopGroup loops;
    private final Class<? extends Channel> channelType;

    public AgentChannels(ChannelCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        DefaultThreadFactory threads = new DefaultThreadFactory("ws-proxy-agent-io", true);
        if (Epoll.isAvailable()) {
            this.loops = new EpollEventLoopGroup(IO_THREADS, threads);
            this.channelType = EpollSocketChannel.class;
        } else {
            this.loops = new NioEventLoopGroup(IO_THREADS, threads);
            this.channelType = NioSocketChannel.class;
        }
    }

    @Override
    public HostAgentGrpc.HostAgentStub stub(String hostId) {
        ManagedChannel channel = channels.get(hostId);
        if (channel == null) {
            AgentAddress address = AgentAddress.parse(hostId);
            channel = channels.computeIfAbsent(hostId, id -> open(id, address));
        }
        return HostAgentGrpc.newStub(channel);
    }

    private ManagedChannel open(String hostId, AgentAddress address) {
        LOG.log(Level.INFO, "opening channel to host agent {0}", hostId);
        return NettyChannelBuilder.forAddress(address.host(), address.port(), credentials)
                .overrideAuthority(hostId)
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                .eventLoopGroup(loops)
                .channelFactory(this::newChannel)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
                .build();
    }

    private Channel newChannel() {
        try {
            Channel channel = channelType.getDeclaredConstructor().newInstance();
            channel.pipeline().addFirst("porthole-connection-window", new ConnectionWindow(CONNECTION_WINDOW));
            return channel;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a " + channelType.getSimpleName(), e);
        }
    }

    /** Number of agents with a channel (for tests and diagnostics). */
    public int size() {
        return channels.size();
    }

    /** Shuts every channel down, cancelling calls still open after a short grace. */
    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdown);
        for (ManagedChannel channel : channels.values()) {
            try {
                if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        channels.clear();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
