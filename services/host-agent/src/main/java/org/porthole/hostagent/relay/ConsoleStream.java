package org.porthole.hostagent.relay;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.hostagent.AgentException;
import org.porthole.kafka.refusal.RefusalSink;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * One OpenConsole call: waits for the {@code open} frame, authorizes it, logs in to QEMU with a
 * one-time password of its own, greets the client with RFB security None, then relays bytes both
 * ways with backpressure, without a thread of its own.
 *
 * <p>Opening, in order: the token is checked and its {@code jti} redeemed (verifier thread); {@link
 * QemuLogin} takes the VM's password turn, sets a fresh password, connects and answers QEMU's VNC
 * challenge, sends its own shared ClientInit and keeps QEMU's ServerInit, and leaves the turn
 * (expiring the password). Only then does the client get the agent's own handshake ({@link
 * ClientGreeting}), which answers the client's ClientInit with QEMU's ServerInit; the relay passes
 * everything after it.
 *
 * <p>Threading: gRPC calls {@link #onNext}, {@link #onError}, {@link #onCompleted} and the
 * ready/cancel handlers serially on the event loop of the call's HTTP/2 connection, and the socket
 * to QEMU is opened on that same loop ({@code loop}), so in steady state every step of the relay
 * runs on one thread with no hand-off: client bytes are written to QEMU's socket and the next
 * message is requested when that write completed; QEMU's bytes are forwarded chunk by chunk and the
 * next one is read only while the call is ready (else the ready handler asks). Only the open runs
 * elsewhere: the token check and the target lookup on a verifier thread, the password on a turn
 * thread. Calls on the response observer are serialized by {@code outbound} (uncontended in steady
 * state); the state is an atomic so that exactly one path ends the call.
 */
final class ConsoleStream
    implements StreamObserver<ConsoleFrame>, QemuLink.Peer, QemuLogin.Console {
  private static final Logger LOG = Logger.getLogger(ConsoleStream.class.getName());
  private static final int MAX_CLIENT_ADDRESS_CHARS = 128;

  private enum State {
    AWAITING_OPEN,
    OPENING,
    GREETING,
    RELAYING,
    CLOSED
  }

  private final ServerCallStreamObserver<ConsoleFrame> call;
  private final ConsoleRelays relays;
  private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_OPEN);
  private final Object outbound = new Object();
  private final AtomicLong bytesToVm = new AtomicLong();
  private final AtomicLong bytesFromVm = new AtomicLong();

  /** Set with QEMU's ServerInit when logged in, before the move to GREETING. */
  private volatile ClientGreeting greeting;

  private volatile boolean admitted;

  /** Set under the relays' session lock while this console counts against its VM's cap. */
  boolean countedOnVm;

  private volatile QemuLink qemu;
  private volatile ConsoleClaims claims;

  /** Set for a view-only console before it relays; null (one check per frame) otherwise. */
  private volatile ViewOnlyFilter viewOnly;

  private volatile String client = "";

  /** Until the open frame: its deadline; from then until logged in: the login's. */
  private volatile Future<?> deadline;

  private volatile QemuLogin login;

  /** Set only after the move to GREETING, under {@link #announcing}. */
  private volatile Instant authenticatedAt;

  /** Orders a console's authenticated() before its ended() for the listeners. */
  private final Object announcing = new Object();

  private volatile boolean connected;

  /** The loop of the call's connection, which also runs the socket to QEMU (see above). */
  private EventLoop loop;

  ConsoleStream(ServerCallStreamObserver<ConsoleFrame> call, ConsoleRelays relays) {
    this.call = call;
    this.relays = relays;
  }

  void start() {
    call.disableAutoRequest();
    call.setOnReadyHandler(this::readWhenReady);
    call.setOnCancelHandler(this::abandon);
    loop = relays.loops().current();
    deadline = BackendLoops.schedule(loop, this::openTimedOut, relays.openTimeout().toMillis());
    call.request(1);
  }

  @Override
  public void onNext(ConsoleFrame frame) {
    switch (frame.getKindCase()) {
      case OPEN -> onOpen(frame.getOpen());
      case DATA -> onData(frame.getData());
      case CLOSE -> endByClient("the client closed the console");
      default -> end(PortholeStatus.BAD_REQUEST, "console frame has no open, data or close");
    }
  }

  @Override
  public void onError(Throwable t) {
    abandon();
  }

  @Override
  public void onCompleted() {
    endByClient("the client ended the console");
  }

  private void endByClient(String reason) {
    if (state.get() == State.AWAITING_OPEN) {
      end(PortholeStatus.BAD_REQUEST, "the first console frame must be open");
    } else {
      end(PortholeStatus.CLOSED, reason);
    }
  }

  private void onOpen(ConsoleOpen open) {
    if (!state.compareAndSet(State.AWAITING_OPEN, State.OPENING)) {
      end(PortholeStatus.BAD_REQUEST, "open frame sent twice");
      return;
    }
    cancelDeadline();
    // One bound from the open frame to logged in, whatever holds the console up on the way (the
    // token check, the VM's password turn, libvirt, QEMU's handshake): when it passes the console
    // ends, which leaves its turn.
    deadline = BackendLoops.schedule(loop, this::loginTimedOut, relays.loginTimeout().toMillis());
    if (!relays.admit()) {
      end(
          PortholeStatus.OVERLOADED,
          "too many consoles on this host (at most " + relays.maxConsoles() + ")");
      return;
    }
    synchronized (this) {
      admitted = true;
    }
    if (state.get() == State.CLOSED) { // cancelled meanwhile: release() may have missed it
      releaseSlot();
      return;
    }
    String token = open.getToken();
    client = printable(open.getClientAddress());
    try {
      relays.verifiers().execute(() -> authorize(token));
    } catch (RejectedExecutionException e) {
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent is not accepting consoles");
    }
  }

  private void onData(ByteString data) {
    State s = state.get();
    if (s == State.AWAITING_OPEN) {
      end(PortholeStatus.BAD_REQUEST, "the first console frame must be open");
      return;
    }
    if (s != State.RELAYING && s != State.GREETING) {
      return;
    }
    if (data.size() > ConsoleRelays.MAX_CHUNK_BYTES) {
      end(
          PortholeStatus.TOO_LARGE,
          "data frame exceeds " + ConsoleRelays.MAX_CHUNK_BYTES + " bytes");
      return;
    }
    ByteBuffer bytes = data.asReadOnlyByteBuffer();
    if (s == State.GREETING && !greet(bytes)) {
      return;
    }
    ViewOnlyFilter filter = viewOnly;
    if (filter != null) {
      try {
        bytes = filter.filter(bytes);
      } catch (AgentException e) {
        end(e.status(), e.getMessage());
        return;
      }
    }
    if (!bytes.hasRemaining()) {
      loop.execute(this::requestNextFromClient);
      return;
    }
    int n = bytes.remaining();
    qemu.write(
        bytes,
        failure -> {
          if (failure != null) {
            end(PortholeStatus.UPSTREAM_UNAVAILABLE, "lost the connection to the VM's VNC server");
          } else if (state.get() == State.RELAYING) {
            bytesToVm.addAndGet(n);
            relays.countToVm(n);
            // Not inline: gRPC would deliver this console's next buffered message from inside this
            // call, and a client flooding tiny messages would hold the loop (and every console on
            // it) until its whole window is drained. Through the loop's queue, other consoles' I/O
            // runs between two messages of one console.
            loop.execute(this::requestNextFromClient);
          }
        });
  }

  /**
   * The client's side of the agent's handshake. True when it finished and the relay runs now
   * ({@code bytes} then holds what followed the client's ClientInit).
   */
  private boolean greet(ByteBuffer bytes) {
    byte[] reply;
    try {
      reply = greeting.accept(bytes);
    } catch (AgentException e) {
      end(e.status(), e.getMessage());
      return false;
    }
    if (reply.length > 0) {
      send(ByteString.copyFrom(reply));
    }
    if (!greeting.done()) {
      loop.execute(this::requestNextFromClient);
      return false;
    }
    if (!state.compareAndSet(State.GREETING, State.RELAYING)) {
      return false;
    }
    loop.execute(this::readWhenReady);
    return true;
  }

  private void requestNextFromClient() {
    State s = state.get();
    if (s == State.RELAYING || s == State.GREETING) {
      call.request(1);
    }
  }

  /** On a verifier thread: token, session, target; then the login to QEMU. */
  private void authorize(String token) {
    if (state.get() != State.OPENING) {
      return;
    }
    VncTarget target;
    ConsoleClaims c = null;
    try {
      c = relays.authorizer().authorize(token, ConsoleClaims.CHANNEL_VNC);
      relays.attach(this, c);
      target = relays.targets().resolve(c.vmUuid());
    } catch (AgentException e) {
      reportRefusal(e, c);
      end(e.status(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "opening a console failed", e);
      end(PortholeStatus.INTERNAL, "opening the console failed");
      return;
    }
    QemuLogin l = new QemuLogin(relays, loop, c, target, client, this, this);
    login = l;
    l.start();
  }

  /**
   * Tells the engine's audit that this console was refused before it reached QEMU (a bad, replayed
   * or foreign token, an ended session); {@code claims} when the token verified.
   */
  private void reportRefusal(AgentException e, ConsoleClaims verified) {
    if (e.status() != PortholeStatus.TOKEN_REJECTED && e.status() != PortholeStatus.FORBIDDEN) {
      return; // not a refusal of the client (no such VM, QEMU unreachable)
    }
    ConsoleRefusal.Builder r =
        RefusalSink.refusal(e.status().name(), e.getMessage(), client).toBuilder();
    if (verified != null) {
      r.setVmUuid(verified.vmUuid())
          .setSessionId(verified.sessionId())
          .setSubject(verified.subject())
          .setClaimsVerified(true);
    }
    relays.refusals().refused(r.build());
  }

  /** The verified claims, set once under {@link ConsoleRelays#attach}'s lock. */
  void bind(ConsoleClaims verified) {
    viewOnly = verified.viewOnly() ? new ViewOnlyFilter() : null;
    claims = verified;
  }

  /** The verified claims; null until the token was checked. */
  ConsoleClaims claims() {
    return claims;
  }

  /** True once the console ended (it then never binds to a session). */
  boolean closed() {
    return state.get() == State.CLOSED;
  }

  /** The console as listeners and ListConsoles see it; null before its token was checked. */
  RelayedConsole view() {
    ConsoleClaims c = claims;
    return c == null
        ? null
        : new RelayedConsole(
            c.sessionId(), c.vmUuid(), c.subject(), c.viewOnly(), client, authenticatedAt);
  }

  @Override
  public boolean opening() {
    return state.get() == State.OPENING;
  }

  /** On the socket's event loop: QEMU speaks first; read its handshake. */
  @Override
  public void connected(QemuLink link) {
    qemu = link;
    if (state.get() != State.OPENING) {
      link.close();
      return;
    }
    connected = true;
    relays.listener().connected(view());
    link.read();
  }

  @Override
  public void failed(AgentException e) {
    end(e.status(), e.getMessage());
  }

  /** Asks QEMU's socket for one chunk if the client can take it now. */
  private void readWhenReady() {
    QemuLink link = qemu;
    if (link != null && state.get() == State.RELAYING && call.isReady()) {
      link.read();
    }
  }

  @Override
  public void onBytes(ByteBuf chunk) {
    State s = state.get();
    if (s == State.OPENING) {
      login.accept(chunk.nioBuffer());
      return;
    }
    if (s != State.RELAYING) {
      return;
    }
    int n = chunk.readableBytes();
    relays.countFromBackend(n);
    // Copied: the chunk is a pooled buffer that QemuLink releases after this returns and the
    // next read reuses, while the frame may outlive this call (a transport may hand the
    // message on by reference and serialize it later, as the in-process one does).
    send(ByteString.copyFrom(chunk.nioBuffer()));
    bytesFromVm.addAndGet(n);
    relays.countToClient(n);
  }

  /** On the loop: QEMU accepted the password (its turn is over); greet the client. */
  @Override
  public void loggedIn(byte[] serverInit) {
    Instant now = Instant.now();
    greeting = new ClientGreeting(serverInit);
    synchronized (announcing) {
      if (!state.compareAndSet(State.OPENING, State.GREETING)) {
        return;
      }
      // Only a console that won the move to GREETING is authenticated: one released before
      // never told listeners authenticated() and must not end as an authenticated console.
      cancelDeadline();
      authenticatedAt = now;
      relays.listener().authenticated(view());
    }
    send(ByteString.copyFrom(ClientGreeting.BANNER));
    call.request(1);
  }

  @Override
  public void onReadComplete() {
    if (state.get() == State.OPENING) {
      QemuLink link = qemu;
      if (link != null && login.inProgress()) {
        link.read();
      }
      return;
    }
    readWhenReady();
  }

  @Override
  public void onClosed(boolean byError) {
    if (byError) {
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "lost the connection to the VM's VNC server");
    } else if (leavingByMigration()) {
      end(
          PortholeStatus.CLOSED,
          "the VM is moving to another host (live migration); reconnect for a ticket to its new"
              + " host");
    } else {
      end(PortholeStatus.CLOSED, "the VM's VNC server closed the console");
    }
  }

  private boolean leavingByMigration() {
    ConsoleClaims c = claims();
    return c != null && relays.registry().leaving(c.vmUuid());
  }

  private void send(ByteString data) {
    ConsoleFrame frame = ConsoleFrame.newBuilder().setData(data).build();
    synchronized (outbound) {
      if (state.get() != State.CLOSED) {
        try {
          call.onNext(frame);
        } catch (RuntimeException e) {
          abandon();
        }
      }
    }
  }

  private void loginTimedOut() {
    if (state.get() == State.OPENING) {
      end(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "the console was not logged in to the VM's VNC server within "
              + relays.loginTimeout().toSeconds()
              + " s of its open frame");
    }
  }

  private void openTimedOut() {
    if (state.get() == State.AWAITING_OPEN) {
      end(
          PortholeStatus.BAD_REQUEST,
          "no open frame within " + relays.openTimeout().toSeconds() + " s");
    }
  }

  /**
   * Ends the console: closes QEMU's side, tells the client why, completes the call. False when it
   * had ended already.
   */
  boolean end(PortholeStatus status, String reason) {
    if (!release()) {
      return false;
    }
    if (claims != null) {
      relays.countEnd(status);
    }
    ConsoleFrame close =
        ConsoleFrame.newBuilder()
            .setClose(ConsoleClose.newBuilder().setStatus(status.name()).setReason(reason))
            .build();
    synchronized (outbound) {
      try {
        call.onNext(close);
        if (status == PortholeStatus.CLOSED) {
          call.onCompleted();
        } else {
          call.onError(
              Status.fromCodeValue(status.grpcCode()).withDescription(reason).asRuntimeException());
        }
      } catch (RuntimeException e) {
        // The call was cancelled meanwhile: nobody is left to tell.
      }
    }
    return true;
  }

  /** The client went away: release everything, say nothing. */
  private void abandon() {
    release();
  }

  private boolean release() {
    State was = state.getAndSet(State.CLOSED);
    if (was == State.CLOSED) {
      return false;
    }
    cancelDeadline();
    QemuLogin l = login;
    if (l != null) {
      if (was == State.RELAYING) {
        l.leave();
      } else {
        l.abandon();
      }
    }
    QemuLink link = qemu;
    if (link != null) {
      link.close();
    }
    releaseSlot();
    relays.ended(this);
    if (connected) {
      synchronized (announcing) {
        relays.listener().ended(view());
      }
    }
    ConsoleClaims c = claims;
    if (c != null && (was == State.RELAYING || was == State.GREETING)) {
      ViewOnlyFilter filter = viewOnly;
      String view =
          filter == null
              ? ""
              : "; view-only, " + filter.droppedMessages() + " input messages dropped";
      LOG.log(
          Level.INFO,
          "console {0} to domain {1} for {2} ended ({3} bytes in, {4} bytes out{5})",
          new Object[] {
            c.sessionId(), c.vmUuid(), client, bytesToVm.get(), bytesFromVm.get(), view
          });
    }
    return true;
  }

  private void releaseSlot() {
    synchronized (this) {
      if (admitted) {
        admitted = false;
        relays.leave();
      }
    }
  }

  private void cancelDeadline() {
    Future<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
  }

  /** Client addresses are logged: keep them short and free of control characters. */
  static String printable(String s) {
    String t = s == null ? "" : s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > MAX_CLIENT_ADDRESS_CHARS ? t.substring(0, MAX_CLIENT_ADDRESS_CHARS) : t;
  }
}
