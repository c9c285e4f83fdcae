package org.porthole.wsproxy.relay;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.Executor;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.token.ChannelPath;

/**
 * One {@code OpenConsole} call to a host agent ({@code OpenSso} for the SSO channel: the same
 * frames and rules, a different stream on the agent's side): sends {@code open{token,
 * client_address}} first, then {@code data} frames of at most {@link #MAX_DATA_BYTES}; reports what
 * the agent sends to a {@link Listener}, and the end of the call exactly once, mapped to a {@link
 * PortholeStatus}. Inbound flow control is manual: the agent may send one message per {@link
 * #requestNext()}.
 *
 * <p>Threading: the call's executor is the WebSocket channel's event loop, so every listener
 * callback runs there; every method here must be called on that loop too. Nothing blocks.
 */
final class AgentStream implements ClientResponseObserver<ConsoleFrame, ConsoleFrame> {

  /** Largest {@code data} frame sent to the agent (docs/contracts.md). */
  static final int MAX_DATA_BYTES = 64 * 1024;

  private static final int MAX_REASON_CHARS = 100;

  /** What the relay hears from the agent; called on the event loop. */
  interface Listener {
    void onAgentData(ByteString data);

    void onAgentReady();

    /** The console ended on the agent's side (close frame, error or completion); called once. */
    void onAgentEnd(PortholeStatus status, String reason);
  }

  private final Listener listener;
  private ClientCallStreamObserver<ConsoleFrame> requests;

  /** The listener was told the console ended, or this side cancelled: no more callbacks. */
  private boolean ended;

  /** This side half-closed: no more messages may be sent. */
  private boolean halfClosed;

  /** This side cancelled the call. */
  private boolean cancelled;

  /** The agent finished the call (status received). */
  private boolean finished;

  private AgentStream(Listener listener) {
    this.listener = listener;
  }

  /**
   * Starts the call of {@code channel}'s RPC and sends the open frame. The token is passed on,
   * never logged.
   */
  static AgentStream open(
      HostAgentGrpc.HostAgentStub stub,
      Executor loop,
      String token,
      String clientAddress,
      ChannelPath channel,
      Listener listener) {
    AgentStream stream = new AgentStream(listener);
    HostAgentGrpc.HostAgentStub onLoop = stub.withExecutor(loop);
    if (channel == ChannelPath.SSO) {
      onLoop.openSso(stream);
    } else {
      onLoop.openConsole(stream);
    }
    stream.requests.onNext(
        ConsoleFrame.newBuilder()
            .setOpen(ConsoleOpen.newBuilder().setToken(token).setClientAddress(clientAddress))
            .build());
    return stream;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ConsoleFrame> requestStream) {
    this.requests = requestStream;
    requestStream.disableAutoRequestWithInitial(1);
    requestStream.setOnReadyHandler(
        () -> {
          if (!ended) {
            listener.onAgentReady();
          }
        });
  }

  /** Sends {@code bytes} (its readable part) as data frames; does not release it. */
  void send(ByteBuf bytes) {
    while (canSend() && bytes.isReadable()) {
      int length = Math.min(bytes.readableBytes(), MAX_DATA_BYTES);
      ByteString chunk = ByteString.copyFrom(bytes.nioBuffer(bytes.readerIndex(), length));
      bytes.skipBytes(length);
      requests.onNext(ConsoleFrame.newBuilder().setData(chunk).build());
    }
  }

  /** True when the agent can take more data now without it queueing in this process. */
  boolean isReady() {
    return canSend() && requests.isReady();
  }

  private boolean canSend() {
    return !halfClosed && !cancelled && !finished;
  }

  /** Allows the agent to send one more message. */
  void requestNext() {
    if (!ended) {
      requests.request(1);
    }
  }

  /** Ends the call from this side, releasing it at once; a no-op once the call is over. */
  void cancel(String why) {
    ended = true;
    if (!finished && !cancelled) {
      cancelled = true;
      requests.cancel(why, null);
    }
  }

  @Override
  public void onNext(ConsoleFrame frame) {
    if (ended) {
      return;
    }
    switch (frame.getKindCase()) {
      case DATA:
        listener.onAgentData(frame.getData());
        return;
      case CLOSE:
        if (canSend()) {
          halfClosed = true;
          requests.onCompleted();
        }
        end(statusOf(frame.getClose()), reasonOf(frame.getClose()));
        return;
      default:
        cancel("unexpected frame from host agent");
        listener.onAgentEnd(PortholeStatus.INTERNAL, "host agent sent an unexpected frame");
    }
  }

  @Override
  public void onError(Throwable t) {
    finished = true;
    Status status = Status.fromThrowable(t);
    end(PortholeStatus.fromGrpcCode(status.getCode().value()), describe(status));
  }

  @Override
  public void onCompleted() {
    finished = true;
    end(PortholeStatus.CLOSED, "console closed by the host agent");
  }

  private void end(PortholeStatus status, String reason) {
    if (!ended) {
      ended = true;
      listener.onAgentEnd(status, reason);
    }
  }

  static PortholeStatus statusOf(ConsoleClose close) {
    try {
      return PortholeStatus.valueOf(close.getStatus());
    } catch (IllegalArgumentException unknown) {
      return PortholeStatus.INTERNAL;
    }
  }

  private static String reasonOf(ConsoleClose close) {
    String reason = close.getReason().isEmpty() ? close.getStatus() : close.getReason();
    return shorten(reason.isEmpty() ? "closed by the host agent" : reason);
  }

  private static String describe(Status status) {
    if (status.getCode() == Status.Code.UNAVAILABLE) {
      return "host agent unavailable";
    }
    String description = status.getDescription();
    return shorten(
        "host agent: " + status.getCode() + (description == null ? "" : ": " + description));
  }

  private static String shorten(String text) {
    return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS);
  }
}
