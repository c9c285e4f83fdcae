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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.guest.protocol.ErrorCode;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.Handshake;
import org.porthole.guest.protocol.LineFramer;
import org.porthole.guest.protocol.Message;
import org.porthole.guest.protocol.MessageCodec;
import org.porthole.guest.protocol.ProtocolException;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * The host end of one VM's guest control channel (protocol v1): connects to the channel's unix
 * socket, says hello, negotiates the version, tracks liveness, sends commands at most once and
 * matches their replies, notices a guest restart (new instance: state pulled again with {@code
 * refresh}) and reconnects with back-off when the socket goes away.
 *
 * <p><b>At most once.</b> Each request gets a fresh id (unique across host agent restarts, see
 * {@link GuestChannels}). A request whose reply has not come when the socket drops stays pending
 * until its timeout; if the next hello comes from the <em>same</em> guest instance it is re-sent
 * with the same id (the guest remembers its last 1024 ids and answers a repeat without acting
 * again); if it comes from a <em>new</em> instance the request fails as "not re-sent": the old
 * process may or may not have acted, and acting twice is worse than telling the caller. A timed-out
 * request is never re-sent.
 *
 * <p><b>Threading.</b> Everything here runs on one Netty event loop ({@code guest-io}), shared by
 * all guests: the socket's reads, the timers and every state change, so no locks are needed and a
 * single writer is guaranteed (all writes happen on that loop). Public methods hand their work to
 * the loop and return at once. Nothing on the loop blocks: a guest that stops reading fills at most
 * {@link GuestChannels#WRITE_HIGH_WATER} bytes of our outbound buffer, after which its requests
 * fail and error replies to it are dropped; a guest that floods is read at most {@link
 * GuestChannels#MAX_READ_BYTES} at a time and its lines are capped at 1 MiB by {@link LineFramer}.
 * The current {@link GuestSnapshot} is published through a volatile field for readers on other
 * threads.
 */
final class GuestConnection {
  /** Told about notable state changes; called on the event loop, must not block. */
  interface Listener {
    void changed(GuestSnapshot before, GuestSnapshot after);
  }

  private static final Logger LOG = Logger.getLogger(GuestConnection.class.getName());

  /** Commands waiting for a reply per guest; more are refused rather than queued. */
  static final int MAX_PENDING = 64;

  private static final String LINE_TOO_LONG_TEXT =
      "line longer than " + LineFramer.MAX_LINE_BYTES + " bytes dropped";

  private final String vmUuid;
  private final Path socket;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Handshake handshake;
  private final GuestTimings timings;
  private final Clock clock;
  private final Listener listener;
  private final Supplier<String> ids;
  private final AtomicLong badMessages = new AtomicLong();
  private final AtomicLong droppedWrites = new AtomicLong();
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final byte[] scratch = new byte[GuestChannels.MAX_READ_BYTES];

  private volatile GuestSnapshot snapshot;
  private Channel channel;

  /** True from a connect attempt until it succeeds or fails: one socket per guest at a time. */
  private boolean connecting;

  private LineFramer framer = new LineFramer();
  private boolean helloDone;
  private boolean stopped;
  private boolean connectFailureLogged;

  /** True while the reader frames a chunk: replies are then flushed once, at the chunk's end. */
  private boolean reading;

  private boolean unflushed;
  private long lastMessageNanos;
  private long backoffMs;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> livenessTimer;

  GuestConnection(
      String vmUuid,
      Path socket,
      EventLoop loop,
      Bootstrap bootstrap,
      Message.Hello ownHello,
      GuestTimings timings,
      Clock clock,
      Listener listener,
      Supplier<String> ids) {
    this.vmUuid = vmUuid;
    this.socket = socket;
    this.loop = loop;
    this.bootstrap = bootstrap;
    this.handshake = new Handshake(ownHello);
    this.timings = timings;
    this.clock = clock;
    this.listener = listener;
    this.ids = ids;
    this.backoffMs = timings.reconnectMin().toMillis();
    this.snapshot = GuestSnapshot.none(vmUuid).withConnection(true, false, false);
  }

  Path socket() {
    return socket;
  }

  GuestSnapshot snapshot() {
    return snapshot;
  }

  /** Bad lines received so far (malformed, oversized, unexpected). */
  long badMessages() {
    return badMessages.get();
  }

  /** Starts connecting and checking liveness. */
  void start() {
    loop.execute(
        () -> {
          long period = Math.max(1, timings.heartbeat().toMillis() / 2);
          livenessTimer =
              loop.scheduleAtFixedRate(this::checkLiveness, period, period, TimeUnit.MILLISECONDS);
          connect();
        });
  }

  /**
   * Connects now if the socket is down (a domain just started), skipping the back-off; a no-op
   * while connected or connecting, so repeated "started" signals open one socket.
   */
  void reconnectNow() {
    loop.execute(
        () -> {
          if (stopped || channel != null || connecting) {
            return;
          }
          cancel(reconnectTimer);
          backoffMs = timings.reconnectMin().toMillis();
          connect();
        });
  }

  /** Closes the channel for good; pending commands fail with {@code reason}. */
  void stop(String reason) {
    loop.execute(
        () -> {
          stopped = true;
          cancel(reconnectTimer);
          cancel(livenessTimer);
          for (Pending p : List.copyOf(pending.values())) {
            fail(p, new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, reason));
          }
          if (channel != null) {
            channel.close();
          }
          update(s -> s.withConnection(false, false, false));
        });
  }

  /**
   * Sends {@code command}; the future completes with the guest's ok or fails with the status to
   * report.
   */
  CompletableFuture<GuestReply> send(GuestCommand command) {
    CompletableFuture<GuestReply> result = new CompletableFuture<>();
    loop.execute(() -> sendNow(command, result));
    return result;
  }

  private void sendNow(GuestCommand command, CompletableFuture<GuestReply> result) {
    if (stopped || !helloDone) {
      result.completeExceptionally(
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "the guest agent of domain " + vmUuid + " is not connected"));
      return;
    }
    if (pending.size() >= MAX_PENDING) {
      result.completeExceptionally(
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "too many commands wait for the guest agent of domain " + vmUuid));
      return;
    }
    String id = ids.get();
    Pending p =
        new Pending(
            new Message.Request(id, command.kind().wire(), command.args()), command.kind(), result);
    pending.put(id, p);
    p.timeout =
        loop.schedule(
            () -> timedOut(id), timings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (!write(p.request)) {
      fail(
          p,
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "the guest agent of domain " + vmUuid + " does not read its channel"));
      return;
    }
    p.sent = true;
  }

  /**
   * Opens the socket unless one is open or opening. QEMU serves one client per channel and leaves
   * later ones waiting unaccepted, so a second socket would be the one we listen on while the guest
   * talks on the first. Bootstrap queues the connect as a separate loop task, so a {@link
   * #reconnectNow} can arrive between this call and {@link #connected}.
   */
  private void connect() {
    if (stopped || channel != null || connecting) {
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

  private void connected(Channel ch) {
    if (stopped) {
      ch.close();
      return;
    }
    channel = ch;
    connectFailureLogged = false;
    framer = new LineFramer();
    helloDone = false;
    handshake.channelReopened();
    lastMessageNanos = System.nanoTime();
    update(s -> s.withConnection(true, false, false));
    write(handshake.opening());
    LOG.log(Level.FINE, "guest channel of domain {0} connected; hello sent", vmUuid);
  }

  private void closed(Channel ch) {
    if (ch != channel) {
      return;
    }
    channel = null;
    helloDone = false;
    update(s -> s.withConnection(!stopped, false, false));
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

  private void checkLiveness() {
    if (!snapshot.responsive()) {
      return;
    }
    long silentNanos = System.nanoTime() - lastMessageNanos;
    if (silentNanos > timings.unresponsiveAfter().toNanos()) {
      update(s -> s.withConnection(s.channel(), s.connected(), false));
      LOG.log(
          Level.INFO,
          "guest agent of domain {0} unresponsive: no message for {1} heartbeat" + " intervals",
          new Object[] {vmUuid, timings.missedBeats()});
    }
  }

  private void onFrame(Frame frame) {
    if (frame instanceof Frame.Oversized) {
      bad(ErrorCode.LINE_TOO_LONG.wire());
      write(new Message.ErrorReply(null, ErrorCode.LINE_TOO_LONG.wire(), LINE_TOO_LONG_TEXT));
      return;
    }
    String text = ((Frame.Line) frame).text();
    if (text.isBlank()) {
      return;
    }
    Message m;
    try {
      m = MessageCodec.decode(text);
    } catch (ProtocolException e) {
      bad(e.code().wire());
      write(e.toReply());
      return;
    }
    if (m instanceof Message.Hello h) {
      onHello(h);
    }
    alive();
    if (m instanceof Message.OkReply ok) {
      onOk(ok);
    } else if (m instanceof Message.ErrorReply e) {
      onError(e);
    } else if (m instanceof Message.Event ev) {
      onEvent(ev);
    } else if (m instanceof Message.Request r) {
      bad("unexpected-request");
      ErrorCode code = helloDone ? ErrorCode.UNKNOWN_COMMAND : ErrorCode.NO_HELLO;
      write(new Message.ErrorReply(r.id(), code.wire(), "the host agent serves no commands"));
    }
  }

  /** Any valid message after a hello makes the guest responsive again. */
  private void alive() {
    lastMessageNanos = System.nanoTime();
    Instant now = clock.instant();
    boolean ready = helloDone;
    update(s -> s.withLastMessage(now, ready));
  }

  private void onHello(Message.Hello h) {
    Handshake.Outcome o = handshake.onPeerHello(h);
    o.reply().ifPresent(this::write);
    if (o.close()) {
      LOG.log(
          Level.WARNING,
          "guest agent of domain {0} speaks protocol {1}, we speak {2}: no"
              + " common version; channel closed",
          new Object[] {vmUuid, h.versions(), handshake.opening().versions()});
      helloDone = false;
      channel.flush(); // the refusal goes out before the close
      channel.close();
      return;
    }
    boolean restarted = o.peerRestarted() || o.firstContact();
    helloDone = true;
    backoffMs = timings.reconnectMin().toMillis();
    int version = o.version().orElseThrow();
    update(
        s ->
            s.withPeer(
                    GuestInput.text(h.agent()),
                    GuestInput.text(h.agentVersion()),
                    version,
                    GuestInput.text(h.instance()))
                .withConnection(true, true, true));
    if (restarted) {
      LOG.log(
          Level.INFO,
          "guest agent of domain {0} {1} (protocol {2}); pulling its state",
          new Object[] {vmUuid, o.firstContact() ? "connected" : "restarted", version});
      abandonSent();
      refresh();
    } else {
      resendPending();
    }
  }

  /** A new guest instance never saw (or forgot) what we sent: fail instead of re-sending. */
  private void abandonSent() {
    for (Pending p : List.copyOf(pending.values())) {
      if (p.sent) {
        fail(
            p,
            new AgentException(
                PortholeStatus.UPSTREAM_UNAVAILABLE,
                "the guest agent of domain "
                    + vmUuid
                    + " restarted before replying; the command was not re-sent (at most once)"));
      }
    }
  }

  /** The same guest instance after a reconnect: repeat each waiting request with its id. */
  private void resendPending() {
    for (Pending p : new ArrayList<>(pending.values())) {
      p.sent = write(p.request) || p.sent;
    }
  }

  private void refresh() {
    send(GuestCommand.of(GuestCommand.Kind.REFRESH))
        .exceptionally(
            e -> {
              LOG.log(
                  Level.FINE,
                  "refresh of domain {0} failed: {1}",
                  new Object[] {vmUuid, e.getMessage()});
              return null;
            });
  }

  private void onOk(Message.OkReply ok) {
    Pending p = pending.remove(ok.id());
    if (p == null) {
      LOG.log(Level.FINE, "guest of domain {0}: reply to an unknown or expired request", vmUuid);
      return;
    }
    cancel(p.timeout);
    Map<String, Object> r = ok.result();
    if (p.kind == GuestCommand.Kind.REFRESH) {
      update(
          s ->
              s.withFacts(GuestInput.facts(r))
                  .withSession(GuestSnapshot.Session.of(r.get("session"))));
    } else if (r.containsKey("session")) {
      update(s -> s.withSession(GuestSnapshot.Session.of(r.get("session"))));
    }
    p.result.complete(new GuestReply(r, snapshot));
  }

  private void onError(Message.ErrorReply e) {
    String code = GuestInput.code(e.code());
    Pending p = e.id() == null ? null : pending.remove(e.id());
    if (p == null) {
      LOG.log(Level.INFO, "guest of domain {0} reported error {1}", new Object[] {vmUuid, code});
      return;
    }
    fail(
        p,
        new AgentException(
            statusOf(code),
            "the guest agent of domain " + vmUuid + " refused " + p.kind.wire() + ": " + code));
  }

  private void onEvent(Message.Event ev) {
    if ("session".equals(ev.event())) {
      GuestSnapshot.Session s = GuestSnapshot.Session.of(ev.data().get("state"));
      update(v -> v.withSession(s));
    }
  }

  private void timedOut(String id) {
    Pending p = pending.get(id);
    if (p != null) {
      fail(
          p,
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "the guest agent of domain "
                  + vmUuid
                  + " did not reply to "
                  + p.kind.wire()
                  + " within "
                  + timings.commandTimeout().toMillis()
                  + " ms; not re-sent"));
    }
  }

  private void fail(Pending p, AgentException e) {
    pending.remove(p.request.id());
    cancel(p.timeout);
    p.result.completeExceptionally(e);
  }

  private static PortholeStatus statusOf(String guestCode) {
    return switch (guestCode) {
      case "bad-args" -> PortholeStatus.BAD_REQUEST;
      case "unknown-command" -> PortholeStatus.CONFLICT;
      case "not-found" -> PortholeStatus.NOT_FOUND;
      default -> PortholeStatus.UPSTREAM_UNAVAILABLE;
    };
  }

  /** Writes one whole line if the channel is open and keeps up; false when not written. */
  private boolean write(Message m) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      return false;
    }
    if (!ch.isWritable()) {
      long n = droppedWrites.incrementAndGet();
      if (worthLogging(n)) {
        LOG.log(
            Level.WARNING,
            "guest of domain {0} does not read its channel: {1} message(s)" + " not sent so far",
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

  /** Log the 1st, 10th, 100th... occurrence only: a flood cannot flood the log. */
  static boolean worthLogging(long n) {
    long p = 1;
    while (p < n && p <= Long.MAX_VALUE / 10) {
      p *= 10;
    }
    return p == n;
  }

  /** Counts a bad line and logs its kind (never its content), the 1st, 10th, 100th... time. */
  private void bad(String kind) {
    long n = badMessages.incrementAndGet();
    if (worthLogging(n)) {
      LOG.log(
          Level.WARNING,
          "guest of domain {0} sent a bad message ({1}); {2} so far",
          new Object[] {vmUuid, kind, n});
    }
  }

  private void update(UnaryOperator<GuestSnapshot> change) {
    GuestSnapshot before = snapshot;
    GuestSnapshot after = change.apply(before);
    snapshot = after;
    if (after.differsNotablyFrom(before)) {
      try {
        listener.changed(before, after);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "guest state listener failed", e);
      }
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  /** One request waiting for its reply. */
  private static final class Pending {
    final Message.Request request;
    final GuestCommand.Kind kind;
    final CompletableFuture<GuestReply> result;
    ScheduledFuture<?> timeout;
    boolean sent;

    Pending(Message.Request request, GuestCommand.Kind kind, CompletableFuture<GuestReply> result) {
      this.request = request;
      this.kind = kind;
      this.result = result;
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
          framer.feed(scratch, 0, n, GuestConnection.this::onFrame);
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
