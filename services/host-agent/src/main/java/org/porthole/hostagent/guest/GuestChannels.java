package org.porthole.hostagent.guest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.VersionRange;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.events.DomainEventListener;
import org.porthole.hostagent.libvirt.DomainUuid;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.status.PortholeStatus;

/**
 * Follows the guest control channel of every running domain that has one: an initial scan at start,
 * then libvirt's lifecycle events (STARTED/RESUMED connect, STOPPED/UNDEFINED disconnect). One
 * {@link GuestConnection} per domain.
 *
 * <p><b>Why event-driven.</b> A host runs a few hundred VMs, not ten thousand, so a thread per
 * guest would fit too; but a blocking writer could be stuck by a guest that stops reading, and each
 * guest would need a reader, a timer and a writer. One Netty loop ({@code guest-io}) serves every
 * guest without blocking: reads of at most {@value #MAX_READ_BYTES} bytes, writes that fail fast
 * when a guest stops reading ({@value #WRITE_HIGH_WATER} bytes buffered), and the timers (liveness,
 * command timeouts, back-off) on the same thread, so a guest can cost the others at most the time
 * to frame and parse one read chunk. It is separate from the console relays' loops so a flooding
 * guest never delays console bytes on the same thread.
 *
 * <p><b>Request ids</b> are {@code <process instance>-<counter>}: unique per guest instance as the
 * protocol asks, and across host agent restarts too, so a fresh host agent's requests can never hit
 * the guest's memory of an earlier process's ids and get a stale reply.
 */
public final class GuestChannels implements Guests, DomainEventListener, AutoCloseable {
  /** The largest chunk read from a guest socket at once. */
  public static final int MAX_READ_BYTES = 64 * 1024;

  /** Bytes queued to a guest before it counts as not reading (writes then fail fast). */
  public static final int WRITE_HIGH_WATER = 64 * 1024;

  static final String AGENT_NAME = "porthole-host-agent";
  private static final Logger LOG = Logger.getLogger(GuestChannels.class.getName());
  private static final int WRITE_LOW_WATER = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  /** One chunk per channel per loop turn: a flooding guest waits its turn like the others. */
  private static final int READS_PER_TURN = 1;

  private final GuestSockets sockets;
  private final GuestTimings timings;
  private final Clock clock;
  private final Consumer<GuestSnapshot> onChange;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Message.Hello hello;
  private final String idPrefix;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<String, GuestConnection> connections = new ConcurrentHashMap<>();
  private final List<Consumer<SsoReport>> ssoListeners = new CopyOnWriteArrayList<>();

  /**
   * @param agentVersion this host agent's version, sent in hello
   * @param onChange told about notable state changes (on the guest loop; must not block)
   */
  public GuestChannels(
      GuestSockets sockets,
      GuestTimings timings,
      Clock clock,
      String agentVersion,
      Consumer<GuestSnapshot> onChange) {
    this(
        sockets,
        timings,
        clock,
        agentVersion,
        onChange,
        new NioEventLoopGroup(1, new DefaultThreadFactory("guest-io", true)));
  }

  /**
   * With the loop group given (tests hold its one loop to order tasks); closed by {@link #close}.
   */
  GuestChannels(
      GuestSockets sockets,
      GuestTimings timings,
      Clock clock,
      String agentVersion,
      Consumer<GuestSnapshot> onChange,
      EventLoopGroup group) {
    this.sockets = sockets;
    this.timings = timings;
    this.clock = clock;
    this.onChange = onChange;
    String instance = UUID.randomUUID().toString();
    this.idPrefix = instance.substring(0, 8);
    this.hello = new Message.Hello(VersionRange.V1, AGENT_NAME, agentVersion, instance, false);
    this.group = group;
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioDomainSocketChannel.class)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(512, 4096, MAX_READ_BYTES)
                    .maxMessagesPerRead(READS_PER_TURN))
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(WRITE_LOW_WATER, WRITE_HIGH_WATER))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
  }

  /** Follows every running domain with a control channel now (the initial scan). */
  public void scan() {
    try {
      for (String uuid : sockets.runningDomains()) {
        domainStarted(uuid);
      }
    } catch (AgentException e) {
      LOG.log(Level.WARNING, "initial scan of guest channels failed: {0}", e.getMessage());
    }
    LOG.log(Level.INFO, "following {0} guest channel(s)", connections.size());
  }

  /**
   * Follows the domains of {@code running} not followed yet and stops following the others: what
   * started or stopped while libvirt's events could not be heard.
   */
  public void reconcile(List<String> running) {
    for (String uuid : List.copyOf(connections.keySet())) {
      if (!running.contains(uuid)) {
        domainStopped(uuid, "domain stopped while libvirt was unreachable");
      }
    }
    running.forEach(this::domainStarted);
  }

  @Override
  public void onLifecycle(LifecycleSignal s) {
    switch (s.type()) {
      case "STARTED", "RESUMED" -> domainStarted(s.vmUuid());
      case "STOPPED", "UNDEFINED" -> domainStopped(s.vmUuid(), "domain " + s.describe());
      default -> {
        // suspended, crashed...: the socket tells us when it goes away
      }
    }
  }

  /**
   * Connects to the domain's channel, or at once again after a restart of the domain. The socket is
   * read under the lock: a read that started before a restart (the initial scan) must not replace
   * the newer path a lifecycle event followed meanwhile with one that is gone.
   */
  public synchronized void domainStarted(String vmUuid) {
    Optional<Path> socket;
    try {
      socket = sockets.controlSocket(vmUuid);
    } catch (AgentException e) {
      LOG.log(
          Level.WARNING,
          "cannot read the guest channel of domain {0}: {1}",
          new Object[] {vmUuid, e.getMessage()});
      return;
    }
    follow(vmUuid, socket);
  }

  /** Called under the lock: the initial scan and lifecycle events may race for a domain. */
  private void follow(String vmUuid, Optional<Path> socket) {
    GuestConnection current = connections.get(vmUuid);
    if (socket.isEmpty()) {
      domainStopped(vmUuid, "domain has no guest control channel");
      return;
    }
    if (current != null && current.socket().equals(socket.get())) {
      current.reconnectNow();
      return;
    }
    if (current != null) {
      domainStopped(vmUuid, "guest channel moved");
    }
    GuestConnection c =
        new GuestConnection(
            vmUuid,
            socket.get(),
            group.next(),
            bootstrap,
            hello,
            timings,
            clock,
            (before, after) -> onChange.accept(after),
            this::ssoReported,
            this::newId);
    connections.put(vmUuid, c);
    c.start();
  }

  /** Stops following the domain's channel; its waiting commands fail with {@code reason}. */
  public synchronized void domainStopped(String vmUuid, String reason) {
    GuestConnection c = connections.remove(vmUuid);
    if (c != null) {
      c.stop(reason);
    }
  }

  @Override
  public void addSsoListener(Consumer<SsoReport> listener) {
    ssoListeners.add(listener);
  }

  /** On the guest loop: a guest reported an SSO exchange's outcome. */
  private void ssoReported(SsoReport report) {
    for (Consumer<SsoReport> l : ssoListeners) {
      l.accept(report);
    }
  }

  @Override
  public int responsiveCount() {
    int n = 0;
    for (GuestConnection c : connections.values()) {
      if (c.snapshot().responsive()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public GuestSnapshot state(String vmUuid) {
    GuestConnection c = connections.get(vmUuid);
    return c == null ? GuestSnapshot.none(vmUuid) : c.snapshot();
  }

  @Override
  public CompletableFuture<GuestReply> command(String vmUuid, GuestCommand command) {
    String uuid;
    try {
      uuid = DomainUuid.require(vmUuid);
    } catch (AgentException e) {
      return CompletableFuture.failedFuture(e);
    }
    GuestConnection c = connections.get(uuid);
    if (c == null) {
      return CompletableFuture.failedFuture(
          new AgentException(
              PortholeStatus.CONFLICT,
              "domain " + uuid + " is not running with a guest control channel"));
    }
    return c.send(command);
  }

  /** Bad lines the domain's guest sent (tests, diagnostics). */
  long badMessages(String vmUuid) {
    GuestConnection c = connections.get(vmUuid);
    return c == null ? 0 : c.badMessages();
  }

  private String newId() {
    return idPrefix + "-" + nextId.incrementAndGet();
  }

  @Override
  public void close() {
    for (String uuid : Map.copyOf(connections).keySet()) {
      domainStopped(uuid, "host agent stopping");
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
