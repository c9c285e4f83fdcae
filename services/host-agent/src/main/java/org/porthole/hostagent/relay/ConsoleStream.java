package org.porthole.hostagent.relay;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * One OpenConsole call: waits for the {@code open} frame, authorizes it, connects to QEMU and
 * relays bytes both ways with backpressure.
 *
 * <p>Threading: gRPC calls {@link #onNext}, {@link #onError}, {@link #onCompleted} and the
 * ready/cancel handlers serially on its executor; client bytes are written to QEMU there and
 * the next message is requested only after the write returned. The open work and the QEMU
 * read loop run on one pool thread (see {@link ConsoleRelays}), which waits while the call
 * is not ready. Calls on the response observer are serialized by {@code outbound}; the state
 * is an atomic so that exactly one path ends the call.
 */
final class ConsoleStream implements StreamObserver<ConsoleFrame> {
  private static final Logger LOG = Logger.getLogger(ConsoleStream.class.getName());
  private static final long READY_RECHECK_MS = 1000;
  private static final int MAX_CLIENT_ADDRESS_CHARS = 128;

  private enum State { AWAITING_OPEN, OPENING, RELAYING, CLOSED }

  private final ServerCallStreamObserver<ConsoleFrame> call;
  private final ConsoleRelays relays;
  private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_OPEN);
  private final Object outbound = new Object();
  private final Object readiness = new Object();
  private final AtomicLong bytesToVm = new AtomicLong();
  private final AtomicLong bytesFromVm = new AtomicLong();
  private volatile QemuLink qemu;
  private volatile ScheduledFuture<?> openDeadline;

  ConsoleStream(ServerCallStreamObserver<ConsoleFrame> call, ConsoleRelays relays) {
    this.call = call;
    this.relays = relays;
  }

  void start() {
    call.disableAutoRequest();
    call.setOnReadyHandler(this::signalReady);
    call.setOnCancelHandler(this::abandon);
    openDeadline = relays.timer().schedule(this::openTimedOut,
        relays.openTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
    String token = open.getToken();
    String client = printable(open.getClientAddress());
    try {
      relays.pool().execute(() -> openAndPump(token, client));
    } catch (RejectedExecutionException e) {
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "too many consoles on this host");
    }
  }

  private void onData(ByteString data) {
    State s = state.get();
    if (s == State.AWAITING_OPEN) {
      end(PortholeStatus.BAD_REQUEST, "the first console frame must be open");
      return;
    }
    if (s != State.RELAYING) {
      return;
    }
    if (data.size() > ConsoleRelays.MAX_CHUNK_BYTES) {
      end(PortholeStatus.TOO_LARGE,
          "data frame exceeds " + ConsoleRelays.MAX_CHUNK_BYTES + " bytes");
      return;
    }
    try {
      qemu.writeFully(data.asReadOnlyByteBuffer());
      bytesToVm.addAndGet(data.size());
      call.request(1);
    } catch (IOException e) {
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "lost the connection to the VM's VNC server");
    }
  }

  /** Runs on a relay pool thread until the console ends. */
  private void openAndPump(String token, String client) {
    ConsoleClaims claims;
    try {
      claims = relays.authorizer().authorize(token);
      SocketAddress target = relays.targets().resolve(claims.vmUuid());
      qemu = QemuLink.connect(
          target, relays.registry(), claims.sessionId(), claims.vmUuid(), client);
    } catch (AgentException e) {
      end(e.status(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "opening a console failed", e);
      end(PortholeStatus.INTERNAL, "opening the console failed");
      return;
    }
    if (!state.compareAndSet(State.OPENING, State.RELAYING)) {
      qemu.close();
      return;
    }
    LOG.log(Level.INFO, "console {0} opened to domain {1} for {2}",
        new Object[] {claims.sessionId(), claims.vmUuid(), client});
    call.request(1);
    pump(claims);
  }

  private void pump(ConsoleClaims claims) {
    ByteBuffer buffer = ByteBuffer.allocate(ConsoleRelays.MAX_CHUNK_BYTES);
    try {
      while (awaitReady()) {
        buffer.clear();
        int n = qemu.read(buffer);
        if (n < 0) {
          end(PortholeStatus.CLOSED, "the VM's VNC server closed the console");
          break;
        }
        buffer.flip();
        bytesFromVm.addAndGet(n);
        send(ConsoleFrame.newBuilder().setData(ByteString.copyFrom(buffer)).build());
      }
    } catch (IOException e) {
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "lost the connection to the VM's VNC server");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end(PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent is shutting down");
    }
    LOG.log(Level.INFO, "console {0} to domain {1} ended ({2} bytes in, {3} bytes out)",
        new Object[] {claims.sessionId(), claims.vmUuid(), bytesToVm.get(), bytesFromVm.get()});
  }

  /** Blocks until the call can take another message; false once the console ended. */
  private boolean awaitReady() throws InterruptedException {
    synchronized (readiness) {
      while (state.get() == State.RELAYING && !call.isReady()) {
        readiness.wait(READY_RECHECK_MS);
      }
    }
    return state.get() == State.RELAYING;
  }

  private void signalReady() {
    synchronized (readiness) {
      readiness.notifyAll();
    }
  }

  private void send(ConsoleFrame frame) {
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

  private void openTimedOut() {
    if (state.get() == State.AWAITING_OPEN) {
      end(PortholeStatus.BAD_REQUEST,
          "no open frame within " + relays.openTimeout().toSeconds() + " s");
    }
  }

  /** Ends the console: closes QEMU's side, tells the client why, completes the call. */
  void end(PortholeStatus status, String reason) {
    if (!release()) {
      return;
    }
    ConsoleFrame close = ConsoleFrame.newBuilder()
        .setClose(ConsoleClose.newBuilder().setStatus(status.name()).setReason(reason)).build();
    synchronized (outbound) {
      try {
        call.onNext(close);
        if (status == PortholeStatus.CLOSED) {
          call.onCompleted();
        } else {
          call.onError(Status.fromCodeValue(status.grpcCode()).withDescription(reason)
              .asRuntimeException());
        }
      } catch (RuntimeException e) {
        // The call was cancelled meanwhile: nobody is left to tell.
      }
    }
  }

  /** The client went away: release everything, say nothing. */
  private void abandon() {
    release();
  }

  private boolean release() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return false;
    }
    cancelDeadline();
    QemuLink link = qemu;
    if (link != null) {
      link.close();
    }
    signalReady();
    relays.ended(this);
    return true;
  }

  private void cancelDeadline() {
    ScheduledFuture<?> d = openDeadline;
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
