package org.porthole.wsproxy.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;
import org.porthole.admin.metrics.ConsoleMeters;
import org.porthole.wsproxy.admission.AdmissionGuard;
import org.porthole.wsproxy.admission.AdmissionLimits;
import org.porthole.wsproxy.admission.RefusingHandler;
import org.porthole.wsproxy.admission.UnauthenticatedConnections;
import org.porthole.wsproxy.refusal.Refusal;
import org.porthole.wsproxy.refusal.RefusalReporter;
import org.porthole.wsproxy.relay.AgentConnector;
import org.porthole.wsproxy.relay.ConsoleSessionHandler;
import org.porthole.wsproxy.relay.RelayGauge;
import org.porthole.wsproxy.token.ChannelPath;
import org.porthole.wsproxy.token.ConsoleAuthenticator;
import org.porthole.wsproxy.websocket.HandshakeHandler;
import org.porthole.wsproxy.websocket.HandshakePolicy;
import org.porthole.wsproxy.websocket.KeepAliveHandler;
import org.porthole.wsproxy.websocket.SessionStarter;

/**
 * The pipeline of one console connection. A connection over a cap of unauthenticated connections
 * ({@link UnauthenticatedConnections}) gets only [TLS] → HTTP codec → small aggregator → {@link
 * RefusingHandler} (429 or 503) and is reported. An admitted one starts with its {@link
 * AdmissionGuard} (its place under the caps and the authentication deadline), then before the
 * upgrade: [TLS] → HTTP codec → small aggregator → {@link HandshakeHandler}. After it: [TLS] →
 * WebSocket frame codec (max frame {@code porthole.proxy.max-frame-bytes}, masked client frames
 * required) → {@link KeepAliveHandler} → {@link ConsoleSessionHandler}. The HTTP handlers are
 * removed by the upgrade, so an open console holds no HTTP parsing state.
 */
public final class ConsoleChannelInitializer extends ChannelInitializer<Channel> {

  static final int MAX_INITIAL_LINE = 4096;

  /** Headers, including a {@code porthole.token.<JWS>} subprotocol of up to 4 KiB. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** An upgrade request has no body; a small one is tolerated and ignored. */
  static final int MAX_REQUEST_BODY = 1024;

  private final SslContext tls;
  private final HandshakePolicy policy;
  private final WebSocketServerHandshakerFactory handshakers;
  private final SessionStarter starter;
  private final UnauthenticatedConnections unauthenticated;
  private final RefusalReporter refusals;
  private final RelayGauge gauge;

  /** A pipeline with the default admission limits that reports no refusals. */
  public ConsoleChannelInitializer(
      SslContext tls,
      ProxyConfig config,
      ConsoleAuthenticator authenticator,
      AgentConnector agents) {
    this(tls, config, AdmissionLimits.DEFAULTS, RefusalReporter.NONE, authenticator, agents);
  }

  /**
   * @param tls the listener's TLS context, or {@code null} for plain ws
   * @param limits caps and deadline of connections not yet authenticated
   * @param refusals where refused connections are reported
   */
  public ConsoleChannelInitializer(
      SslContext tls,
      ProxyConfig config,
      AdmissionLimits limits,
      RefusalReporter refusals,
      ConsoleAuthenticator authenticator,
      AgentConnector agents) {
    this(tls, config, limits, refusals, authenticator, agents, ConsoleMeters.unexported());
  }

  /**
   * @param tls the listener's TLS context, or {@code null} for plain ws
   * @param limits caps and deadline of connections not yet authenticated
   * @param refusals where refused connections are reported
   * @param meters where the consoles are counted for {@code /metrics}
   */
  public ConsoleChannelInitializer(
      SslContext tls,
      ProxyConfig config,
      AdmissionLimits limits,
      RefusalReporter refusals,
      ConsoleAuthenticator authenticator,
      AgentConnector agents,
      ConsoleMeters meters) {
    Objects.requireNonNull(authenticator, "authenticator");
    this.gauge = new RelayGauge(meters);
    this.unauthenticated = new UnauthenticatedConnections(limits);
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    Objects.requireNonNull(agents, "agents");
    this.tls = tls;
    this.policy = new HandshakePolicy(config.allowedOrigins());
    WebSocketDecoderConfig frames =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(config.maxFrameBytes())
            .expectMaskedFrames(true)
            .allowMaskMismatch(false)
            .allowExtensions(false)
            .closeOnProtocolViolation(true)
            .build();
    String url =
        (config.tls() ? "wss://" : "ws://")
            + config.bind()
            + ":"
            + config.port()
            + ChannelPath.CONSOLE.path();
    this.handshakers =
        new WebSocketServerHandshakerFactory(url, HandshakePolicy.SUBPROTOCOL_BINARY, frames);
    Duration ping = config.pingInterval();
    this.starter =
        (pipeline, token, client, channel) -> {
          pipeline.addLast("keepalive", new KeepAliveHandler(ping));
          pipeline.addLast(
              "console",
              new ConsoleSessionHandler(
                  authenticator, agents, gauge, refusals, token, client, channel));
        };
  }

  /** The connections of this listener that have not authenticated yet. */
  public UnauthenticatedConnections unauthenticated() {
    return unauthenticated;
  }

  /** What the consoles of this listener hold for their browsers. */
  public RelayGauge gauge() {
    return gauge;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    String client = HandshakeHandler.describe(channel.remoteAddress());
    UnauthenticatedConnections.Admission admission = unauthenticated.admit(channel.remoteAddress());
    if (admission.admitted()) {
      pipeline.addLast(
          "admission",
          new AdmissionGuard(
              admission.slot(), unauthenticated.limits().deadline(), refusals, client));
    }
    if (tls != null) {
      pipeline.addLast("tls", tls.newHandler(channel.alloc()));
    }
    pipeline.addLast(
        "http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_INITIAL_LINE));
    pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY));
    if (!admission.admitted()) {
      refusals.refused(Refusal.of(admission.refusal(), admission.reason(), client));
      pipeline.addLast("refusal", new RefusingHandler(admission.refusal(), admission.reason()));
      return;
    }
    pipeline.addLast("handshake", new HandshakeHandler(policy, handshakers, starter, refusals));
  }
}
