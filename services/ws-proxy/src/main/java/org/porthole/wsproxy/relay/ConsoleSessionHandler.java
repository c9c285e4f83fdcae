package org.porthole.wsproxy.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;
import org.porthole.wsproxy.admission.AdmissionEvent;
import org.porthole.wsproxy.refusal.Refusal;
import org.porthole.wsproxy.refusal.RefusalReporter;
import org.porthole.wsproxy.token.ChannelPath;
import org.porthole.wsproxy.token.ConsoleAuthenticator;
import org.porthole.wsproxy.websocket.WebSocketClose;

/**
 * One console channel after the upgrade: waits up to {@link #TOKEN_WAIT_SECONDS} for the token when
 * it was not in the subprotocol list, authenticates it for the path asked for ({@link ChannelPath}:
 * a token of the other channel is refused and reported with its verified claims), opens the stream
 * to the host agent the token names (and no other) with that path's RPC, then relays binary frames
 * until either side ends. Every end closes both sides with a close code from the status table and
 * releases the gRPC call.
 *
 * <p>Threading: one instance per connection, confined to its event loop; authentication and gRPC
 * callbacks are delivered on that loop.
 */
public final class ConsoleSessionHandler extends ChannelInboundHandlerAdapter
    implements ConsoleAuthenticator.Outcome, ConsoleRelay.EndListener {

  /** How long a client without a subprotocol token has to send it as its first message. */
  public static final long TOKEN_WAIT_SECONDS = 5;

  /** A first message longer than this cannot be a token (tokens are ≤ 4 KiB). */
  static final int MAX_TOKEN_MESSAGE_BYTES = 8 * 1024;

  private static final System.Logger LOG = System.getLogger(ConsoleSessionHandler.class.getName());

  private enum State {
    AWAITING_TOKEN,
    AUTHENTICATING,
    RELAYING,
    CLOSED
  }

  private final ConsoleAuthenticator authenticator;
  private final AgentConnector agents;
  private final RelayGauge gauge;
  private final RefusalReporter refusals;
  private final String clientAddress;
  private final ChannelPath channel;
  private String token;
  private ChannelHandlerContext ctx;
  private State state = State.AWAITING_TOKEN;
  private ScheduledFuture<?> tokenDeadline;
  private ConsoleClaims claims;
  private ConsoleRelay relay;
  private ConsoleMeters.OpenConsole open;
  private long openedNanos;

  /**
   * @param refusals where a refused token is reported (the engine's audit)
   * @param tokenOrNull the token from the subprotocol list, or {@code null} to wait for it
   * @param channel the path the client asked for: the token must be of its channel
   */
  public ConsoleSessionHandler(
      ConsoleAuthenticator authenticator,
      AgentConnector agents,
      RelayGauge gauge,
      RefusalReporter refusals,
      String tokenOrNull,
      String clientAddress,
      ChannelPath channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.agents = Objects.requireNonNull(agents, "agents");
    this.gauge = Objects.requireNonNull(gauge, "gauge");
    this.token = tokenOrNull;
    this.clientAddress = clientAddress;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (token != null) {
      authenticate(token);
    } else {
      tokenDeadline =
          ctx.executor()
              .schedule(
                  () ->
                      close(
                          PortholeStatus.TOKEN_REJECTED,
                          "no token within " + TOKEN_WAIT_SECONDS + " s"),
                  TOKEN_WAIT_SECONDS,
                  TimeUnit.SECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof WebSocketFrame) {
        onFrame((WebSocketFrame) msg);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onFrame(WebSocketFrame frame) {
    if (frame instanceof CloseWebSocketFrame) {
      clientClosed();
    } else if (frame instanceof PingWebSocketFrame) {
      if (ctx.channel().isWritable()) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      }
    } else if (frame instanceof PongWebSocketFrame) {
      return;
    } else if (state == State.AWAITING_TOKEN) {
      onFirstMessage(frame);
    } else if (state == State.AUTHENTICATING) {
      close(PortholeStatus.BAD_REQUEST, "data before the console opened");
    } else if (state == State.RELAYING) {
      if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
        relay.fromClient(frame.content());
      } else {
        close(
            PortholeStatus.WEBSOCKET_UNSUPPORTED_DATA,
            PortholeStatus.BAD_REQUEST,
            "text frames are not accepted; send binary");
      }
    }
  }

  private void onFirstMessage(WebSocketFrame frame) {
    if (!(frame instanceof TextWebSocketFrame)
        || !frame.isFinalFragment()
        || frame.content().readableBytes() > MAX_TOKEN_MESSAGE_BYTES) {
      close(PortholeStatus.TOKEN_REJECTED, "the first message must be the token as one text frame");
      return;
    }
    authenticate(((TextWebSocketFrame) frame).text());
  }

  private void authenticate(String candidate) {
    cancelTokenDeadline();
    state = State.AUTHENTICATING;
    token = candidate;
    authenticator.authenticate(candidate, channel, ctx.executor(), this);
  }

  @Override
  public void accepted(ConsoleClaims verified) {
    gauge.meters().tokenAccepted();
    if (state != State.AUTHENTICATING) {
      return;
    }
    claims = verified;
    ctx.pipeline().fireUserEventTriggered(AdmissionEvent.AUTHENTICATED);
    ConsoleRelay started = new ConsoleRelay(ctx.channel(), this, gauge);
    try {
      started.start(
          agents.stub(verified.hostId(), ctx.channel().eventLoop()), token, clientAddress, channel);
    } catch (IllegalArgumentException badHost) {
      close(PortholeStatus.UPSTREAM_UNAVAILABLE, "host agent address is not usable");
      return;
    } finally {
      token = null;
    }
    relay = started;
    state = State.RELAYING;
    open =
        gauge
            .meters()
            .opened(
                verified.viewOnly() ? ConsoleMeters.Mode.VIEW : ConsoleMeters.Mode.INTERACTIVE,
                verified.isSso() ? ConsoleMeters.Channel.SSO : ConsoleMeters.Channel.VNC);
    openedNanos = System.nanoTime();
    LOG.log(
        Level.DEBUG,
        "{0} of console {1} for vm {2} relaying to {3} from {4}",
        channel.path(),
        verified.sessionId(),
        verified.vmUuid(),
        verified.hostId(),
        clientAddress);
  }

  @Override
  public void rejected(PortholeStatus status, String reason, ConsoleClaims verified) {
    gauge.meters().tokenRefused(status);
    if (state == State.AUTHENTICATING) {
      Refusal refusal = Refusal.of(status, reason, clientAddress);
      refusals.refused(verified == null ? refusal : refusal.withClaims(verified));
      close(status, reason);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == AdmissionEvent.DEADLINE_PASSED) {
      if (state == State.AWAITING_TOKEN) {
        close(PortholeStatus.TOKEN_REJECTED, "no token in time");
      } else if (state == State.AUTHENTICATING) {
        close(PortholeStatus.UPSTREAM_UNAVAILABLE, "the token could not be verified in time");
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void agentEnded(PortholeStatus status, String reason) {
    close(status, reason);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.RELAYING) {
      relay.flushToAgent();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (state == State.RELAYING) {
      relay.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state != State.CLOSED) {
      end(PortholeStatus.CLOSED, "client connection closed");
    }
    if (relay != null) {
      relay.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException) {
      // Netty's frame decoder already answered with a close frame (1002, or 1009 when too large).
      WebSocketClose.closingElsewhere(ctx.channel());
      end(PortholeStatus.BAD_REQUEST, "bad frame from client: " + cause.getMessage());
      return;
    }
    LOG.log(
        Level.DEBUG, "console connection from {0} failed: {1}", clientAddress, cause.toString());
    end(PortholeStatus.CLOSED, "connection error");
    ctx.close();
  }

  private void clientClosed() {
    if (state != State.CLOSED) {
      end(PortholeStatus.CLOSED, "closed by client");
    }
    WebSocketClose.close(ctx.channel(), PortholeStatus.CLOSED.webSocketCloseCode(), "");
  }

  private void close(PortholeStatus status, String reason) {
    close(status.webSocketCloseCode(), status, reason);
  }

  private void close(int code, PortholeStatus status, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    end(status, status + " (" + code + "): " + reason);
    WebSocketClose.close(ctx.channel(), code, reason);
  }

  /**
   * Marks the console closed, counts how it ended (once its token had passed), stops the relay and
   * logs; writes nothing. A client that went away or failed ended its own console: {@code CLOSED}.
   */
  private void end(PortholeStatus status, String why) {
    if (state != State.CLOSED && claims != null) {
      gauge.meters().ended(status);
    }
    state = State.CLOSED;
    token = null;
    cancelTokenDeadline();
    if (relay != null) {
      relay.stop(why);
    }
    if (open != null) {
      open.close();
    }
    if (claims == null) {
      LOG.log(
          Level.DEBUG,
          "unauthenticated {0} from {1} ended: {2}",
          channel.path(),
          clientAddress,
          why);
      return;
    }
    long seconds =
        relay == null ? 0 : TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - openedNanos);
    LOG.log(
        Level.INFO,
        "{0} of console {1} vm {2} host {3} client {4} ended after {5} s ({6} B to client, "
            + "{7} B to agent): {8}",
        channel.path(),
        claims.sessionId(),
        claims.vmUuid(),
        claims.hostId(),
        clientAddress,
        seconds,
        relay == null ? 0 : relay.bytesToClient(),
        relay == null ? 0 : relay.bytesToAgent(),
        why);
  }

  private void cancelTokenDeadline() {
    if (tokenDeadline != null) {
      tokenDeadline.cancel(false);
      tokenDeadline = null;
    }
  }
}
