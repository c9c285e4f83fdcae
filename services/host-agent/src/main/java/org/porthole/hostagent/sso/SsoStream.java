package org.porthole.hostagent.sso;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.guest.GuestCommand;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * One OpenSso call: waits for the {@code open} frame, passes {@link SsoOpening}, connects to the
 * VM's SSO port, then asks the guest to begin ({@code sso-begin}: the guest opens its end only
 * then, and its first write would block without a host client), and relays bytes both ways unread
 * (the SSO lines are the viewer's and the guest's business; logs carry byte counts only). It ends
 * when the client leaves, the port closes, the guest reported its outcome (plus a grace: a guest
 * closing its port is no EOF here), the console beside it or its session ends, or a limit of {@link
 * SsoLimits} is reached.
 *
 * <p>Threading as {@code ConsoleStream}: gRPC calls the observer serially on the loop of the call's
 * connection, which also runs the port's socket and the deadlines; the checks run on a verifier
 * thread; the guest's reply is handed to the loop. An atomic state lets exactly one path end the
 * call. Backpressure: the port is read only while the call is ready, the next client message is
 * requested only after the last one was written to the port.
 */
final class SsoStream implements StreamObserver<ConsoleFrame>, SsoPortLink.Peer {
  private static final Logger LOG = Logger.getLogger(SsoStream.class.getName());

  private enum State {
    AWAITING_OPEN,
    AUTHORIZING,
    CONNECTING,
    BEGINNING,
    RELAYING,
    CLOSED
  }

  private final ServerCallStreamObserver<ConsoleFrame> call;
  private final SsoRelays relays;
  private final SsoLimits limits;

  /** Counts this stream in {@code porthole_consoles_open} while it relays. */
  private volatile ConsoleMeters.OpenConsole open;

  private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_OPEN);
  private final SsoReplies replies;
  private final AtomicLong bytesToGuest = new AtomicLong();
  private final AtomicLong bytesFromGuest = new AtomicLong();
  private EventLoop loop;
  private volatile ConsoleClaims claims;
  private volatile String client = "";
  private final AtomicBoolean admitted = new AtomicBoolean();
  private SsoDeadlines deadlines;
  private volatile boolean finishing;

  /** Set under {@code this} with the move to CONNECTING; the VM's claim is held while set. */
  private SsoPortLink link;

  private boolean claimed;

  SsoStream(ServerCallStreamObserver<ConsoleFrame> call, SsoRelays relays) {
    this.call = call;
    this.relays = relays;
    this.limits = relays.limits();
    this.replies = new SsoReplies(call);
  }

  void start() {
    call.disableAutoRequest();
    call.setOnReadyHandler(this::readWhenReady);
    call.setOnCancelHandler(this::abandon);
    loop = relays.loops().current();
    deadlines = new SsoDeadlines(loop, limits, this::end);
    deadlines.awaitOpen(() -> state.get() == State.AWAITING_OPEN);
    call.request(1);
  }

  @Override
  public void onNext(ConsoleFrame frame) {
    switch (frame.getKindCase()) {
      case OPEN -> onOpen(frame.getOpen().getToken(), frame.getOpen().getClientAddress());
      case DATA -> onData(frame.getData());
      case CLOSE -> endByClient("the client closed the SSO channel");
      default -> end(PortholeStatus.BAD_REQUEST, "SSO frame has no open, data or close");
    }
  }

  @Override
  public void onError(Throwable t) {
    abandon();
  }

  /** The client went away: release everything, say nothing. */
  private void abandon() {
    replies.abandon();
    release("the client went away");
  }

  @Override
  public void onCompleted() {
    endByClient("the client ended the SSO channel");
  }

  private void endByClient(String reason) {
    if (state.get() == State.AWAITING_OPEN) {
      end(PortholeStatus.BAD_REQUEST, "the first SSO frame must be open");
    } else {
      end(PortholeStatus.CLOSED, reason);
    }
  }

  private void onOpen(String token, String clientAddress) {
    if (!state.compareAndSet(State.AWAITING_OPEN, State.AUTHORIZING)) {
      end(PortholeStatus.BAD_REQUEST, "open frame sent twice");
      return;
    }
    deadlines.opened();
    client = SsoRelays.printable(clientAddress);
    if (!relays.admit()) {
      end(PortholeStatus.OVERLOADED, "too many SSO channels on this host");
      return;
    }
    admitted.set(true);
    if (state.get() == State.CLOSED) {
      if (admitted.compareAndSet(true, false)) {
        relays.leave(); // cancelled meanwhile: release() may have missed the slot
      }
      return;
    }
    try {
      relays.verifiers().execute(() -> open(token));
    } catch (RejectedExecutionException e) {
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent is not accepting consoles");
    }
  }

  /** On a verifier thread: the checks and the claim, then the connect on the loop. */
  private void open(String token) {
    SsoOpening.Opened o;
    try {
      o = SsoOpening.check(relays, this, token);
    } catch (AgentException e) {
      relays.reportRefusal(e, claims, client);
      end(e.status(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "opening an SSO channel failed", e);
      end(PortholeStatus.INTERNAL, "opening the SSO channel failed");
      return;
    }
    synchronized (this) {
      claimed = true;
      if (!state.compareAndSet(State.AUTHORIZING, State.CONNECTING)) {
        relays.release(o.claims().vmUuid(), this); // ended meanwhile; nothing connected
        claimed = false;
        return;
      }
      link = SsoPortLink.connect(relays.loops(), loop, o.socket(), this, this::connectDone);
    }
  }

  private void connectDone(Throwable failure) {
    if (failure != null) {
      end(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "cannot reach the SSO port of domain " + claims.vmUuid());
      return;
    }
    if (!state.compareAndSet(State.CONNECTING, State.BEGINNING)) {
      return;
    }
    deadlines.beginning();
    ConsoleClaims c = claims;
    GuestCommand begin;
    try {
      begin = GuestCommand.ssoBegin(c.sessionId(), c.sso().nonce(), c.sso().principal());
    } catch (AgentException e) {
      end(e.status(), e.getMessage());
      return;
    }
    relays
        .guests()
        .command(c.vmUuid(), begin)
        .orTimeout(limits.beginTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((reply, error) -> loop.execute(() -> begun(error)));
  }

  private void begun(Throwable error) {
    if (error != null) {
      Throwable cause = error.getCause() == null ? error : error.getCause();
      if (cause instanceof AgentException a
          && a.status() == PortholeStatus.CONFLICT
          && a.getMessage().startsWith(GuestCommand.BUSY)) {
        // The guest still runs an earlier exchange (its client left, or it is still reporting):
        // busy, as a port another client holds, so the client may try again.
        relays.reportRefusal(a, claims, client);
        end(a.status(), a.getMessage());
        return;
      }
      String why =
          cause instanceof AgentException a
              ? a.getMessage()
              : "no reply within " + limits.beginTimeout().toMillis() + " ms";
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "the guest did not begin the SSO exchange: " + why);
      return;
    }
    // Counted before the move, so a release racing it always finds the count to undo.
    ConsoleMeters.OpenConsole counted =
        relays
            .meters()
            .opened(
                claims.viewOnly() ? ConsoleMeters.Mode.VIEW : ConsoleMeters.Mode.INTERACTIVE,
                ConsoleMeters.Channel.SSO);
    open = counted;
    if (!state.compareAndSet(State.BEGINNING, State.RELAYING)) {
      counted.close();
      return;
    }
    deadlines.awaitFirstByte(() -> bytesFromGuest.get() == 0);
    readWhenReady();
    call.request(1);
  }

  private void onData(ByteString data) {
    State s = state.get();
    if (s == State.AWAITING_OPEN) {
      end(PortholeStatus.BAD_REQUEST, "the first SSO frame must be open");
      return;
    }
    if (s != State.RELAYING) {
      return;
    }
    int n = data.size();
    if (n > limits.maxFrameBytes()) {
      end(PortholeStatus.TOO_LARGE, "data frame exceeds " + limits.maxFrameBytes() + " bytes");
      return;
    }
    if (bytesToGuest.addAndGet(n) > limits.maxBytesPerDirection()) {
      end(PortholeStatus.TOO_LARGE, "more than " + limits.maxBytesPerDirection() + " bytes sent");
      return;
    }
    ByteBuffer bytes = data.asReadOnlyByteBuffer();
    currentLink()
        .write(
            bytes,
            failure -> {
              if (failure != null) {
                end(PortholeStatus.UPSTREAM_UNAVAILABLE, "lost the VM's SSO port");
              } else {
                relays.meters().bytes(ConsoleMeters.Direction.TO_VM).increment(n);
                // through the queue, as ConsoleStream: other streams' I/O runs in between
                loop.execute(this::requestNextFromClient);
              }
            });
  }

  private void requestNextFromClient() {
    if (state.get() == State.RELAYING) {
      call.request(1);
    }
  }

  private void readWhenReady() {
    SsoPortLink l = currentLink();
    if (l != null && state.get() == State.RELAYING && call.isReady()) {
      l.read();
    }
  }

  @Override
  public void onBytes(ByteBuf chunk) {
    if (state.get() != State.RELAYING) {
      return;
    }
    deadlines.firstByteCame();
    int n = chunk.readableBytes();
    if (bytesFromGuest.addAndGet(n) > limits.maxBytesPerDirection()) {
      end(
          PortholeStatus.TOO_LARGE,
          "the guest sent more than " + limits.maxBytesPerDirection() + " bytes");
      return;
    }
    // Copied: the chunk is pooled and released after this returns (see ConsoleStream).
    relays.meters().bytes(ConsoleMeters.Direction.TO_CLIENT).increment(n);
    send(ByteString.copyFrom(chunk.nioBuffer()));
  }

  @Override
  public void onReadComplete() {
    readWhenReady();
  }

  @Override
  public void onClosed(boolean byError) {
    if (byError) {
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "lost the VM's SSO port");
    } else {
      end(PortholeStatus.CLOSED, "the VM's SSO port closed");
    }
  }

  /** The guest reported the exchange's outcome: end once its last bytes had time to drain. */
  void guestFinished(String outcome) {
    if (finishing || state.get() == State.CLOSED) {
      return;
    }
    finishing = true;
    String reason = "the guest finished the SSO exchange: " + outcome;
    deadlines.later(limits.outcomeGrace(), () -> end(PortholeStatus.CLOSED, reason));
  }

  /** The verified claims (set on the verifier thread before the session checks). */
  void bind(ConsoleClaims verified) {
    claims = verified;
  }

  ConsoleClaims claims() {
    return claims;
  }

  private void send(ByteString data) {
    if (state.get() != State.CLOSED && !replies.data(data)) {
      release("the client went away");
    }
  }

  /** Ends the stream: frees the port, tells the client why. False when it had ended already. */
  boolean end(PortholeStatus status, String reason) {
    if (!release(status + ": " + reason)) {
      return false;
    }
    if (claims != null) {
      relays.meters().ended(status);
    }
    replies.close(status, reason);
    return true;
  }

  /** Frees what the stream holds and logs {@code why} it ended; false when it had ended. */
  private boolean release(String why) {
    State was = state.getAndSet(State.CLOSED);
    if (was == State.CLOSED) {
      return false;
    }
    deadlines.cancelAll();
    SsoPortLink l;
    boolean held;
    synchronized (this) {
      l = link;
      held = claimed;
      claimed = false;
    }
    ConsoleClaims c = claims;
    if (held) {
      Consumer<Object> free = x -> relays.release(c.vmUuid(), this);
      if (l == null) {
        free.accept(null);
      } else {
        l.close().thenAccept(free::accept); // the claim outlives the socket, never the reverse
      }
    }
    if (admitted.compareAndSet(true, false)) {
      relays.leave();
    }
    ConsoleMeters.OpenConsole counted = open;
    if (counted != null) {
      counted.close();
    }
    relays.ended(this);
    if (c != null) {
      LOG.log(
          Level.INFO,
          "SSO channel of session {0} on domain {1} for {2} ended in {3}: {4} ({5} bytes in, {6}"
              + " bytes out)",
          new Object[] {
            c.sessionId(), c.vmUuid(), client, was, why, bytesToGuest.get(), bytesFromGuest.get()
          });
    }
    return true;
  }

  private synchronized SsoPortLink currentLink() {
    return link;
  }
}
