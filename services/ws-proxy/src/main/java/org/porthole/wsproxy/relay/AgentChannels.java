package org.porthole.wsproxy.relay;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.grpcflow.ConnectionWindow;

/**
 * The gRPC channels to host agents: per agent, one channel (one HTTP/2 connection, many console
 * streams) for each WebSocket event loop, created on first use and kept for the life of the proxy.
 * Mutual TLS with the Porthole CA; the authority is the host id itself, and the agent's certificate
 * must both cover the host named in the token and name that host id in its role URI ({@code
 * urn:porthole:host-agent:<host-id>}), so no other agent or service can take its consoles.
 *
 * <p>Why per loop: a console's WebSocket and its HTTP/2 connection then share one thread, so a
 * chunk goes from the agent's stream to the browser's socket (and back) without waking another
 * thread. With one connection per agent on separate gRPC loops, every message paid an eventfd write
 * and a context switch each way, which cost more than the bytes (docs/performance.md). The cost is
 * one connection per agent per core instead of one per agent.
 *
 * <p>Flow control: a small per-stream window bounds what an agent can push into this process for a
 * console whose browser reads slowly (the relay requests one message at a time), and a wide
 * connection window ({@link ConnectionWindow}) keeps such a console from stalling its siblings.
 *
 * <p>Liveness: HTTP/2 keep-alive ({@link AgentKeepAlive}) ends a connection whose agent stopped
 * answering, with every console on it, even while no byte is in flight.
 *
 * <p>Threading: thread-safe; {@link #stub} never blocks (channels connect lazily).
 */
public final class AgentChannels implements AgentConnector, AutoCloseable {

  /**
   * Per-stream HTTP/2 window: at most this much unrequested data per console is buffered here,
   * which bounds what a browser that stops reading can pin. Four of the agent's 64 KiB data frames:
   * with one frame in flight the stream stalls on every WINDOW_UPDATE (measured with 16 KiB frames
   * in a 64 KiB window: 283 MB/s for one console; 64 KiB frames in 256 KiB: 363–447 MB/s;
   * docs/performance.md).
   */
  static final int FLOW_CONTROL_WINDOW = 256 * 1024;

  /**
   * HTTP/2 connection receive window per agent connection (see {@link ConnectionWindow}): this many
   * bytes pinned by consoles whose browsers stopped reading before their siblings feel it.
   */
  static final int CONNECTION_WINDOW = 64 * 1024 * 1024;

  /** Largest frame accepted from an agent (data frames are ≤ 64 KiB by contract). */
  static final int MAX_INBOUND_MESSAGE = 256 * 1024;

  private static final System.Logger LOG = System.getLogger(AgentChannels.class.getName());

  private final Function<String, ChannelCredentials> credentials;
  private final AgentKeepAlive keepAlive;
  private final Map<String, Map<EventLoop, ManagedChannel>> channels = new ConcurrentHashMap<>();

  /**
   * Channels whose TLS credentials for a host id come from {@code credentials} (which must check
   * that the agent's certificate names that host id), pinging idle agents as {@code keepAlive}
   * says.
   */
  public AgentChannels(Function<String, ChannelCredentials> credentials, AgentKeepAlive keepAlive) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
  }

  @Override
  public HostAgentGrpc.HostAgentStub stub(String hostId, EventLoop loop) {
    Map<EventLoop, ManagedChannel> perLoop = channels.get(hostId);
    if (perLoop == null) {
      AgentAddress.parse(hostId); // refuse a bad id before anything is stored for it
      perLoop = channels.computeIfAbsent(hostId, id -> new ConcurrentHashMap<>());
    }
    ManagedChannel channel =
        perLoop.computeIfAbsent(loop, l -> open(hostId, AgentAddress.parse(hostId), l));
    return HostAgentGrpc.newStub(channel);
  }

  private ManagedChannel open(String hostId, AgentAddress address, EventLoop loop) {
    LOG.log(
        Level.INFO,
        "opening a channel to host agent {0} for event loop {1}",
        hostId,
        Integer.toHexString(System.identityHashCode(loop)));
    return NettyChannelBuilder.forAddress(address.host(), address.port(), credentials.apply(hostId))
        .overrideAuthority(hostId)
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .eventLoopGroup(loop)
        .channelFactory(channelFactory(loop))
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
        .keepAliveTime(keepAlive.time().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(keepAlive.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveWithoutCalls(true)
        .build();
  }

  /** A socket channel of the loop's own transport, with the connection window handler first. */
  private static io.netty.channel.ChannelFactory<Channel> channelFactory(EventLoop loop) {
    Supplier<Channel> socket =
        loop.parent() instanceof EpollEventLoopGroup
            ? EpollSocketChannel::new
            : NioSocketChannel::new;
    return () -> {
      Channel channel = socket.get();
      ConnectionWindow.install(channel, CONNECTION_WINDOW);
      return channel;
    };
  }

  /** Number of agents with a channel (for tests and diagnostics). */
  public int size() {
    return channels.size();
  }

  /** Shuts every channel down, cancelling calls still open after a short grace. */
  @Override
  public void close() {
    List<ManagedChannel> all = new ArrayList<>();
    channels.values().forEach(perLoop -> all.addAll(perLoop.values()));
    all.forEach(ManagedChannel::shutdown);
    for (ManagedChannel channel : all) {
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
  }
}
