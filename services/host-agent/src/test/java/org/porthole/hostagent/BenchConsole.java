package org.porthole.hostagent;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.testsupport.vnc.VncStandIn;

/**
 * One OpenConsole stream for the benchmark-mode tests: answers the agent's handshake (RFB 3.8,
 * security None), counts the data bytes it received after it, can stop requesting messages (a
 * reader that stopped reading), and can wait for bytes.
 */
final class BenchConsole implements ClientResponseObserver<ConsoleFrame, ConsoleFrame> {
  private final boolean autoRead;

  /**
   * The agent's banner, its security types [None], SecurityResult OK and the backend's ServerInit
   * (the answer to ClientInit).
   */
  static final int AGENT_HANDSHAKE_BYTES = 12 + 2 + 4 + VncStandIn.SERVER_INIT.length;

  private static final byte[] CLIENT_HANDSHAKE =
      TestBytes.concat(
          "RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[] {1});
  private static final byte SHARED = 1;
  private final AtomicLong received = new AtomicLong(-AGENT_HANDSHAKE_BYTES);
  private final Semaphore arrivals = new Semaphore(0);
  final CompletableFuture<Status> status = new CompletableFuture<>();
  private ClientCallStreamObserver<ConsoleFrame> requests;

  private BenchConsole(boolean autoRead) {
    this.autoRead = autoRead;
  }

  /**
   * Opens a console, answers the agent's handshake ahead (gRPC holds it until the agent asks) and
   * sends ClientInit then {@code mode} (the backend's mode byte) after it.
   */
  static BenchConsole open(
      HostAgentGrpc.HostAgentStub stub, String token, byte mode, boolean autoRead) {
    BenchConsole c = new BenchConsole(autoRead);
    stub.openConsole(c);
    c.requests.onNext(
        ConsoleFrame.newBuilder()
            .setOpen(ConsoleOpen.newBuilder().setToken(token).setClientAddress("127.0.0.1"))
            .build());
    c.send(TestBytes.concat(CLIENT_HANDSHAKE, new byte[] {SHARED, mode}));
    return c;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ConsoleFrame> r) {
    requests = r;
    if (!autoRead) {
      // the agent's banner, its answers to the handshake, one chunk of data
      r.disableAutoRequestWithInitial(3);
    }
  }

  @Override
  public void onNext(ConsoleFrame f) {
    if (f.hasData()) {
      received.addAndGet(f.getData().size());
      arrivals.release();
    }
  }

  @Override
  public void onError(Throwable t) {
    status.complete(Status.fromThrowable(t));
    arrivals.release(1_000_000);
  }

  @Override
  public void onCompleted() {
    status.complete(Status.OK);
    arrivals.release(1_000_000);
  }

  void send(byte[] bytes) {
    requests.onNext(ConsoleFrame.newBuilder().setData(ByteString.copyFrom(bytes)).build());
  }

  boolean clientReady() {
    return requests.isReady();
  }

  /** Bytes received after the agent's handshake. */
  long received() {
    return Math.max(0, received.get());
  }

  /** Waits until at least {@code total} bytes arrived in all; false after {@code ms}. */
  boolean awaitReceived(long total, long ms) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (received.get() < total) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || status.isDone()) {
        return received.get() >= total;
      }
      arrivals.tryAcquire(left, TimeUnit.NANOSECONDS);
    }
    return true;
  }

  void close() {
    requests.onNext(
        ConsoleFrame.newBuilder()
            .setClose(ConsoleClose.newBuilder().setStatus("CLOSED").setReason("test done"))
            .build());
    requests.onCompleted();
  }

  void cancel() {
    requests.cancel("test done", null);
  }
}
