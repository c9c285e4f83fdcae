package org.porthole.wsproxy.relay;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.concurrent.TimeUnit;
import org.porthole.admin.metrics.ConsoleMeters.Direction;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.token.ChannelPath;

/**
 * Moves console bytes between one WebSocket and one {@link AgentStream}, with backpressure both
 * ways and no buffer of its own:
 *
 * <ul>
 *   <li>browser → agent: the binary frames of one socket read become data frames of ≤ 64 KiB; while
 *       the gRPC call is not ready the WebSocket is not read ({@code autoRead} off) until the
 *       call's {@code onReady};
 *   <li>agent → browser: one message is requested at a time, and the next only after the previous
 *       WebSocket write completed and while the channel is writable (its water marks).
 * </ul>
 *
 * <p>Threading: confined to the WebSocket channel's event loop. The gRPC call delivers its
 * callbacks on that loop (call executor), and write listeners run there too, so no field needs
 * synchronization.
 */
final class ConsoleRelay implements AgentStream.Listener {

  /** Told when the agent ended the console; called on the event loop, once. */
  interface EndListener {
    void agentEnded(PortholeStatus status, String reason);
  }

  /**
   * How long an agent that sent its close frame may take to finish the call before it is cancelled.
   */
  static final long AGENT_FINISH_GRACE_SECONDS = 5;

  private final Channel ws;
  private final EndListener endListener;
  private final RelayGauge gauge;
  private final Counter toVm;
  private final Counter toClient;
  private final ChannelFutureListener writeDone = this::writeDone;
  private AgentStream agent;
  private boolean awaitingAgent = true;
  private boolean writeInFlight;
  private int inFlightBytes;

  /**
   * Client bytes of the current socket read not yet sent; null between reads (idle consoles hold
   * none).
   */
  private ByteBuf pending;

  private boolean agentEnded;
  private boolean stopped;
  private long bytesToClient;
  private long bytesToAgent;

  ConsoleRelay(Channel ws, EndListener endListener, RelayGauge gauge) {
    this.ws = ws;
    this.endListener = endListener;
    this.gauge = gauge;
    this.toVm = gauge.meters().bytes(Direction.TO_VM);
    this.toClient = gauge.meters().bytes(Direction.TO_CLIENT);
  }

  /**
   * Opens the call of {@code channel}'s RPC (one request outstanding) and sends the open frame. The
   * relay itself is the same byte pipe for every channel.
   */
  void start(
      HostAgentGrpc.HostAgentStub stub, String token, String clientAddress, ChannelPath channel) {
    agent = AgentStream.open(stub, ws.eventLoop(), token, clientAddress, channel, this);
  }

  /**
   * Takes client bytes. Consecutive frames of one socket read are coalesced into data frames of up
   * to 64 KiB, sent at {@link #flushToAgent()} (end of the read) or when 64 KiB are pending: VNC is
   * a byte stream, so frame boundaries carry no meaning, and a flood of tiny frames then costs the
   * agent connection a few large messages instead of one message per frame.
   */
  void fromClient(ByteBuf bytes) {
    if (stopped) {
      return;
    }
    bytesToAgent += bytes.readableBytes();
    if (pending == null) {
      pending = ws.alloc().buffer(Math.min(bytes.readableBytes(), AgentStream.MAX_DATA_BYTES));
    }
    pending.writeBytes(bytes);
    if (pending.readableBytes() >= AgentStream.MAX_DATA_BYTES) {
      flushToAgent();
    }
  }

  /**
   * Sends what the current read coalesced; stops reading the WebSocket while the agent cannot take
   * more.
   */
  void flushToAgent() {
    if (pending == null) {
      return;
    }
    try {
      if (!stopped) {
        toVm.increment(pending.readableBytes());
        agent.send(pending);
      }
    } finally {
      pending.release();
      pending = null;
    }
    if (!stopped && !agent.isReady()) {
      ws.config().setAutoRead(false);
    }
  }

  private void dropPending() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  @Override
  public void onAgentReady() {
    if (!stopped && agent.isReady() && !ws.config().isAutoRead()) {
      ws.config().setAutoRead(true);
    }
  }

  @Override
  public void onAgentData(ByteString data) {
    awaitingAgent = false;
    if (stopped) {
      return;
    }
    if (data.isEmpty()) {
      pullFromAgent();
      return;
    }
    bytesToClient += data.size();
    toClient.increment(data.size());
    writeInFlight = true;
    inFlightBytes = data.size();
    gauge.took(inFlightBytes);
    ChannelFuture write =
        ws.writeAndFlush(
            new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data.asReadOnlyByteBuffer())));
    write.addListener(writeDone);
  }

  @Override
  public void onAgentEnd(PortholeStatus status, String reason) {
    agentEnded = true;
    if (!stopped) {
      endListener.agentEnded(status, reason);
    }
  }

  /** The WebSocket's writability changed: a paused agent → browser direction may resume. */
  void writabilityChanged() {
    pullFromAgent();
  }

  /**
   * Stops relaying because the WebSocket is closing. Cancels the call unless the agent ended it
   * (then the agent finishes it; {@link #release()} cancels it if it lingers).
   */
  void stop(String why) {
    stopped = true;
    dropPending();
    if (!agentEnded) {
      agent.cancel(why);
    }
  }

  /**
   * The WebSocket is gone: the call is cancelled if it is still open. When the agent ended the
   * console itself it gets {@link #AGENT_FINISH_GRACE_SECONDS} to finish the call first.
   */
  void release() {
    stopped = true;
    dropPending();
    if (agentEnded) {
      ws.eventLoop()
          .schedule(
              () -> agent.cancel("host agent did not finish the call"),
              AGENT_FINISH_GRACE_SECONDS,
              TimeUnit.SECONDS);
    } else {
      agent.cancel("client connection closed");
    }
  }

  long bytesToClient() {
    return bytesToClient;
  }

  long bytesToAgent() {
    return bytesToAgent;
  }

  private void writeDone(ChannelFuture future) {
    writeInFlight = false;
    gauge.written(inFlightBytes);
    inFlightBytes = 0;
    if (!future.isSuccess()) {
      release();
      ws.close();
      return;
    }
    pullFromAgent();
  }

  private void pullFromAgent() {
    if (!stopped && !awaitingAgent && !writeInFlight && ws.isWritable()) {
      awaitingAgent = true;
      agent.requestNext();
    }
  }
}
