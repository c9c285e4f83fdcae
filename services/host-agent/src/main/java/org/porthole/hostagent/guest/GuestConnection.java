package org.porthole.hostagent.guest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
 * The host end of one VM's guest control channel (protocol v1): says hello on each new socket,
 * negotiates the version ({@link Handshake}), reads the guest's messages into its {@link
 * GuestSnapshot}, sends commands and matches their replies, and notices a guest restart (new
 * instance: state pulled again, {@link GuestStatePull}). Its parts: the socket, reconnects and
 * backpressure ({@link GuestLink}), the at-most-once request table ({@link GuestRequests}),
 * liveness ({@link GuestLiveness}) and log throttling ({@link LogThrottle}).
 *
 * <p><b>Threading.</b> Everything here runs on one Netty event loop ({@code guest-io}), shared by
 * all guests: the socket's reads, the timers and every state change, so no locks are needed and a
 * single writer is guaranteed (all writes happen on that loop). Public methods hand their work to
 * the loop and return at once; nothing on the loop blocks. The current {@link GuestSnapshot} is
 * published through a volatile field for readers on other threads.
 */
final class GuestConnection {
  /** Told about notable state changes; called on the event loop, must not block. */
  interface Listener {
    void changed(GuestSnapshot before, GuestSnapshot after);
  }

  private static final Logger LOG = Logger.getLogger(GuestConnection.class.getName());

  private static final String LINE_TOO_LONG_TEXT =
      "line longer than " + LineFramer.MAX_LINE_BYTES + " bytes dropped";

  private final String vmUuid;
  private final Path socket;
  private final EventLoop loop;
  private final Handshake handshake;
  private final Clock clock;
  private final Listener listener;
  private final Consumer<SsoReport> ssoReports;
  private final GuestLink link;
  private final GuestRequests requests;
  private final GuestLiveness liveness;
  private final LogThrottle badMessages = new LogThrottle();
  private final GuestStatePull pull;

  private volatile GuestSnapshot snapshot;
  private boolean helloDone;
  private boolean stopped;

  GuestConnection(
      String vmUuid,
      Path socket,
      EventLoop loop,
      Bootstrap bootstrap,
      Message.Hello ownHello,
      GuestTimings timings,
      Clock clock,
      Listener listener,
      Consumer<SsoReport> ssoReports,
      Supplier<String> ids) {
    this.vmUuid = vmUuid;
    this.socket = socket;
    this.loop = loop;
    this.handshake = new Handshake(ownHello);
    this.clock = clock;
    this.listener = listener;
    this.ssoReports = ssoReports;
    this.link = new GuestLink(vmUuid, socket, loop, bootstrap, timings, new LinkEvents());
    this.requests = new GuestRequests(vmUuid, loop, timings, ids);
    this.liveness = new GuestLiveness(timings);
    this.snapshot = GuestSnapshot.none(vmUuid).withConnection(true, false, false);
    this.pull = new GuestStatePull(vmUuid, this::send, this::update);
  }

  Path socket() {
    return socket;
  }

  GuestSnapshot snapshot() {
    return snapshot;
  }

  /** Bad lines received so far (malformed, oversized, unexpected). */
  long badMessages() {
    return badMessages.total();
  }

  /** Starts connecting and checking liveness. */
  void start() {
    loop.execute(
        () -> {
          liveness.start(loop, this::checkLiveness);
          link.connect();
        });
  }

  /**
   * Connects now if the socket is down (a domain just started), skipping the back-off; a no-op
   * while connected or connecting, so repeated "started" signals open one socket.
   */
  void reconnectNow() {
    loop.execute(link::connectNow);
  }

  /** Closes the channel for good; pending commands fail with {@code reason}. */
  void stop(String reason) {
    loop.execute(
        () -> {
          stopped = true;
          link.stop();
          liveness.stop();
          requests.failAll(new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, reason));
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
    GuestRequests.Pending p = requests.open(command, result);
    if (p == null) {
      return;
    }
    if (!link.write(p.request)) {
      requests.fail(
          p,
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "the guest agent of domain " + vmUuid + " does not read its channel"));
      return;
    }
    p.sent = true;
  }

  private void connected() {
    helloDone = false;
    handshake.channelReopened();
    liveness.heard();
    update(s -> s.withConnection(true, false, false));
    link.write(handshake.opening());
    LOG.log(Level.FINE, "guest channel of domain {0} connected; hello sent", vmUuid);
  }

  private void closed() {
    helloDone = false;
    update(s -> s.withConnection(!stopped, false, false));
  }

  private void checkLiveness() {
    if (!snapshot.responsive() || !liveness.silentTooLong()) {
      return;
    }
    update(s -> s.withConnection(s.channel(), s.connected(), false));
    LOG.log(
        Level.INFO,
        "guest agent of domain {0} unresponsive: no message for {1} heartbeat intervals",
        new Object[] {vmUuid, liveness.missedBeats()});
  }

  private void frame(Frame frame) {
    if (frame instanceof Frame.Oversized) {
      bad(ErrorCode.LINE_TOO_LONG.wire());
      link.write(new Message.ErrorReply(null, ErrorCode.LINE_TOO_LONG.wire(), LINE_TOO_LONG_TEXT));
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
      link.write(e.toReply());
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
      link.write(new Message.ErrorReply(r.id(), code.wire(), "the host agent serves no commands"));
    }
  }

  /** Any valid message after a hello makes the guest responsive again. */
  private void alive() {
    liveness.heard();
    Instant now = clock.instant();
    boolean ready = helloDone;
    update(s -> s.withLastMessage(now, ready));
  }

  /**
   * The guest's hello: no common version closes the channel; otherwise the peer is recorded, and a
   * new instance has its state pulled while the same instance gets its waiting requests again.
   */
  private void onHello(Message.Hello h) {
    Handshake.Outcome o = handshake.onPeerHello(h);
    o.reply().ifPresent(link::write);
    if (o.close()) {
      LOG.log(
          Level.WARNING,
          "guest agent of domain {0} speaks protocol {1}, we speak {2}: no"
              + " common version; channel closed",
          new Object[] {vmUuid, h.versions(), handshake.opening().versions()});
      helloDone = false;
      link.flushAndClose(); // the refusal goes out before the close
      return;
    }
    boolean restarted = o.peerRestarted() || o.firstContact();
    helloDone = true;
    link.resetBackoff();
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
      requests.abandonSent();
      pull.pull();
    } else {
      requests.resend(link::write);
    }
  }

  private void onOk(Message.OkReply ok) {
    GuestRequests.Pending p = requests.answered(ok.id());
    if (p == null) {
      LOG.log(Level.FINE, "guest of domain {0}: reply to an unknown or expired request", vmUuid);
      return;
    }
    Map<String, Object> r = ok.result();
    update(s -> GuestStatePull.applied(s, p.kind, r));
    p.result.complete(new GuestReply(r, snapshot));
  }

  private void onError(Message.ErrorReply e) {
    String code = GuestInput.code(e.code());
    GuestRequests.Pending p = requests.answered(e.id());
    if (p == null) {
      LOG.log(Level.INFO, "guest of domain {0} reported error {1}", new Object[] {vmUuid, code});
      return;
    }
    requests.fail(p, GuestRequests.refusal(vmUuid, p.kind, code, e.text()));
  }

  private void onEvent(Message.Event ev) {
    if ("session".equals(ev.event())) {
      GuestSnapshot.Session s = GuestSnapshot.Session.of(ev.data().get("state"));
      update(v -> v.withSession(s));
    } else if ("sso".equals(ev.event())) {
      SsoReport r = GuestInput.ssoReport(vmUuid, ev.data());
      if (r == null) {
        bad("bad-sso-event");
        return;
      }
      try {
        ssoReports.accept(r);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "SSO outcome listener failed", e);
      }
    }
  }

  /** Counts a bad line and logs its kind (never its content), the 1st, 10th, 100th... time. */
  private void bad(String kind) {
    long n = badMessages.count();
    if (n > 0) {
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

  /** The link's reports, on the event loop. */
  private final class LinkEvents implements GuestLink.Events {
    @Override
    public void connected() {
      GuestConnection.this.connected();
    }

    @Override
    public void frame(Frame frame) {
      GuestConnection.this.frame(frame);
    }

    @Override
    public void closed() {
      GuestConnection.this.closed();
    }
  }
}
