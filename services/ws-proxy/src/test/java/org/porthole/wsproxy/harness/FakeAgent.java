package org.porthole.wsproxy.harness;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.HostAgentGrpc;

/**
 * A host agent that serves only {@code OpenConsole}: answers the open frame with a VNC banner and
 * echoes every data frame back, unless a test takes over through {@link #toProxy()}. With {@code
 * manualFlow} it requests client messages only when the test says so.
 */
public final class FakeAgent extends HostAgentGrpc.HostAgentImplBase {

  public static final String BANNER = "RFB 003.008\n";

  private final boolean manualFlow;
  private final boolean echo;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger active = new AtomicInteger();
  private final List<ConsoleFrame> received = new CopyOnWriteArrayList<>();
  private volatile ServerCallStreamObserver<ConsoleFrame> toProxy;
  private volatile boolean cancelled;
  private volatile boolean halfClosed;

  public FakeAgent(boolean manualFlow, boolean echo) {
    this.manualFlow = manualFlow;
    this.echo = echo;
  }

  /** Banner, then echo; automatic flow control. */
  public FakeAgent() {
    this(false, true);
  }

  @Override
  public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> responseObserver) {
    calls.incrementAndGet();
    active.incrementAndGet();
    ServerCallStreamObserver<ConsoleFrame> out =
        (ServerCallStreamObserver<ConsoleFrame>) responseObserver;
    out.setOnCancelHandler(
        () -> {
          cancelled = true;
          active.decrementAndGet();
        });
    if (manualFlow) {
      out.disableAutoRequest();
      out.request(1);
    }
    toProxy = out;
    return new StreamObserver<>() {
      @Override
      public void onNext(ConsoleFrame frame) {
        received.add(frame);
        if (frame.hasOpen()) {
          out.onNext(data(BANNER.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } else if (echo && frame.hasData()) {
          out.onNext(frame);
        }
      }

      @Override
      public void onError(Throwable t) {
        cancelled = cancelled || Status.fromThrowable(t).getCode() == Status.Code.CANCELLED;
      }

      @Override
      public void onCompleted() {
        halfClosed = true;
      }
    };
  }

  public static ConsoleFrame data(byte[] bytes) {
    return ConsoleFrame.newBuilder().setData(ByteString.copyFrom(bytes)).build();
  }

  public static ConsoleFrame close(String status, String reason) {
    return ConsoleFrame.newBuilder()
        .setClose(ConsoleClose.newBuilder().setStatus(status).setReason(reason))
        .build();
  }

  /** Number of OpenConsole calls received. */
  public int calls() {
    return calls.get();
  }

  /** Calls opened and not yet cancelled by the proxy. */
  public int active() {
    return active.get();
  }

  /** Every frame the proxy sent, in order. */
  public List<ConsoleFrame> received() {
    return received;
  }

  /** The data bytes the proxy sent, concatenated. */
  public byte[] receivedData() {
    ByteString all = ByteString.EMPTY;
    for (ConsoleFrame frame : received) {
      if (frame.hasData()) {
        all = all.concat(frame.getData());
      }
    }
    return all.toByteArray();
  }

  /** The stream towards the proxy of the latest call. */
  public ServerCallStreamObserver<ConsoleFrame> toProxy() {
    return toProxy;
  }

  /** True once the proxy cancelled the latest call. */
  public boolean cancelled() {
    return cancelled;
  }

  /** True once the proxy half-closed the latest call. */
  public boolean halfClosed() {
    return halfClosed;
  }
}
