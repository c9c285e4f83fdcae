package org.porthole.hostagent.relay;

import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * Logs one console's relay in to QEMU, within the VM's password turn: a fresh random password is
 * set through libvirt, QEMU's socket is connected and its RFB handshake answered up to ServerInit
 * ({@link QemuHandshake}, with the agent's own shared ClientInit, so QEMU reports this login while
 * the turn is held and it is never taken for a direct one). Then the turn is left, which expires
 * the password, and only once it is expired is the console told it is logged in (so from the moment
 * its client sees anything, the password opens nothing). The turn is left on every other path too
 * (failure, timeout, the console ending), exactly once. A socket QEMU serves only through libvirt
 * ({@link VncTarget.Handoff}) is handed over within the turn, before the console learns it is
 * connected.
 *
 * <p>Threading: {@link #start} on a verifier thread; the turn's start (and a handoff) on a turn
 * thread; the socket's connect and every byte of QEMU's on the console's event loop; {@link
 * #abandon} from whichever thread ends the console.
 */
final class QemuLogin {
  /** What the console learns; called on its event loop (failures: on any thread). */
  interface Console {
    /** False once the console ended: the login stops. */
    boolean opening();

    void connected(QemuLink link);

    /** Logged in; {@code serverInit}: QEMU's ServerInit (and anything after it) for the client. */
    void loggedIn(byte[] serverInit);

    void failed(AgentException e);
  }

  private final ConsoleRelays relays;
  private final EventLoop loop;
  private final ConsoleClaims claims;
  private final VncTarget target;
  private final String client;
  private final Console console;
  private final QemuLink.Peer peer;
  private volatile PasswordTurns.Turn turn;
  private volatile QemuHandshake handshake;
  private volatile QemuLink link;
  private volatile Future<?> deadline;

  QemuLogin(
      ConsoleRelays relays,
      EventLoop loop,
      ConsoleClaims claims,
      VncTarget target,
      String client,
      Console console,
      QemuLink.Peer peer) {
    this.relays = relays;
    this.loop = loop;
    this.claims = claims;
    this.target = target;
    this.client = client;
    this.console = console;
    this.peer = peer;
  }

  /** Queues for the VM's turn. */
  void start() {
    relays.turns().enter(claims.vmUuid(), this::inTurn);
  }

  /** On a turn thread, holding the VM's turn: a fresh password, then QEMU's socket. */
  private void inTurn(PasswordTurns.Turn t) {
    turn = t;
    if (!console.opening()) {
      t.leave();
      return;
    }
    try {
      handshake = new QemuHandshake(t.arm());
    } catch (AgentException e) {
      console.failed(e);
      return;
    }
    deadline = BackendLoops.schedule(loop, this::timedOut, relays.authTimeout().toMillis());
    if (target instanceof VncTarget.Handoff h) {
      handOver(h);
    } else {
      connect(((VncTarget.Listener) target).address(), this::connected, console::failed);
    }
  }

  private void connect(
      SocketAddress address, Consumer<QemuLink> connected, Consumer<AgentException> failed) {
    QemuLink.connect(
        relays.loops(),
        loop,
        address,
        relays.registry(),
        claims.sessionId(),
        claims.vmUuid(),
        client,
        peer,
        connected,
        failed);
  }

  /**
   * On the turn thread: the relay's socket connects to a listener of the agent's own, whose
   * accepted end libvirt hands to QEMU; only then is the console connected (QEMU speaks first).
   */
  private void handOver(VncTarget.Handoff h) {
    CompletableFuture<QemuLink> reached = new CompletableFuture<>();
    try (VncHandoffs.Rendezvous r = h.handoffs().open()) {
      connect(r.address(), reached::complete, reached::completeExceptionally);
      QemuLink l = awaitConnect(reached);
      if (!console.opening()) {
        l.close();
        return;
      }
      try {
        r.handOver(h.vmUuid(), h.graphicsIndex());
      } catch (AgentException e) {
        console.failed(e); // first: the socket's close must not end the console with another reason
        l.close();
        return;
      }
      loop.execute(() -> connected(l));
    } catch (AgentException e) {
      console.failed(e);
    }
  }

  private QemuLink awaitConnect(CompletableFuture<QemuLink> reached) throws AgentException {
    try {
      return reached.get(relays.authTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AgentException a
          ? a
          : new AgentException(PortholeStatus.INTERNAL, "connecting the relay failed", e);
    } catch (InterruptedException | TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      reached.thenAccept(QemuLink::close); // should the connect still complete
      throw new AgentException(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "the relay's connection to the VNC server of domain " + claims.vmUuid() + " stalled");
    }
  }

  /** On the loop: QEMU speaks first; read its handshake. */
  private void connected(QemuLink l) {
    link = l;
    console.connected(l);
  }

  /** On the loop: the next step of QEMU's handshake; logged in at its end. */
  void accept(ByteBuffer bytes) {
    QemuHandshake h = handshake;
    QemuLink l = link;
    boolean responded = h.responseSent();
    boolean initialized = h.clientInitSent();
    byte[] reply;
    try {
      reply = h.accept(bytes);
    } catch (AgentException e) {
      if (responded && !h.clientInitSent()) {
        l.initializeNotExpected();
      }
      console.failed(e);
      return;
    }
    if (!responded && h.responseSent()) {
      l.initializeExpected();
    }
    boolean carriesClientInit = !initialized && h.clientInitSent();
    if (reply.length > 0) {
      l.write(
          ByteBuffer.wrap(reply),
          failure -> {
            if (failure != null) {
              if (carriesClientInit) {
                l.initializeNotExpected(); // QEMU never got it: no INITIALIZE of this relay
              }
              console.failed(
                  new AgentException(
                      PortholeStatus.UPSTREAM_UNAVAILABLE,
                      "lost the connection to the VM's VNC server"));
            }
          });
    }
    if (h.done()) {
      cancelDeadline();
      turn.leave()
          .whenComplete(
              (v, e) ->
                  loop.execute(
                      () -> {
                        if (e == null) {
                          console.loggedIn(h.forClient());
                        } else {
                          console.failed(notExpired(e));
                        }
                      }));
    }
  }

  /** True while QEMU's handshake goes on (the console reads on for it). */
  boolean inProgress() {
    QemuHandshake h = handshake;
    return h != null && !h.done();
  }

  /**
   * The console ended while logging in: unless the agent's ClientInit reached QEMU (which reports
   * INITIALIZE at ClientInit), no INITIALIZE of this relay will come; the turn, if held, is left.
   */
  void abandon() {
    QemuLink l = link;
    QemuHandshake h = handshake;
    if (l != null && (h == null || !h.clientInitSent())) {
      l.initializeNotExpected();
    }
    leave();
  }

  /** Leaves the turn (expiring the password) and stops the deadline; idempotent. */
  void leave() {
    cancelDeadline();
    PasswordTurns.Turn t = turn;
    if (t != null) {
      t.leave();
    }
  }

  private void cancelDeadline() {
    Future<?> d = deadline;
    if (d != null) {
      d.cancel(false);
    }
  }

  /** The client is never greeted while the password might still open QEMU: the console ends. */
  private static AgentException notExpired(Throwable e) {
    return e instanceof AgentException a
        ? a
        : new AgentException(
            PortholeStatus.UPSTREAM_UNAVAILABLE, "the one-time VNC password could not be expired");
  }

  private void timedOut() {
    if (inProgress()) {
      console.failed(
          new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE,
              "the VM's VNC server"
                  + " did not accept the console within "
                  + relays.authTimeout().toSeconds()
                  + " s"));
    }
  }
}
