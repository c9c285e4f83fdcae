package org.porthole.wsproxy.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.admission.AdmissionLimits;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/**
 * The checks before and right after the upgrade, on the proxy's real pipeline without a network.
 */
class ConsoleHandshakeTest {

  private static final String HOST = "agent-a:9443";
  private static final int MAX_FRAME = 4096;

  private final TokenMint tokens = new TokenMint();
  private final FakeHostAgent agent = new FakeHostAgent();
  private final InProcessAgents agents = new InProcessAgents().add(HOST, agent);
  private final ConsoleChannelInitializer pipeline =
      new ConsoleChannelInitializer(
          null,
          ProxyFixtures.config(
              MAX_FRAME, Duration.ofSeconds(20), URI.create("http://127.0.0.1:9/jwks")),
          ProxyFixtures.authenticator(tokens),
          agents);
  private EmbeddedConsole console = new EmbeddedConsole(pipeline);

  @AfterEach
  void tearDown() {
    console.close();
    agents.close();
  }

  @Test
  void upgradesLoopbackClientWithAllowedOriginAndSelectsBinary() {
    EmbeddedConsole.Answer answer =
        console.upgrade(
            "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));

    assertThat(answer.status()).isEqualTo(101);
    assertThat(answer.header("Sec-WebSocket-Protocol")).isEqualTo("binary");
    assertThat(new String(console.binaryBytes())).isEqualTo(FakeHostAgent.BANNER);
    assertThat(console.server().isOpen()).isTrue();
  }

  @Test
  void openConsoleKeepsNoHttpParsingStateInItsPipeline() {
    console.upgrade(
        "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));
    console.pump();

    assertThat(console.server().pipeline().names())
        .noneMatch(
            name -> name.equals("http") || name.equals("aggregator") || name.equals("handshake"))
        .contains("keepalive", "console");
    assertThat(console.server().pipeline().toMap().values())
        .noneMatch(
            h ->
                h instanceof io.netty.handler.codec.http.HttpObjectAggregator
                    || h instanceof io.netty.handler.codec.http.HttpServerCodec);
  }

  @Test
  void rejectsForeignOrigin() {
    EmbeddedConsole.Answer answer =
        console.upgrade(
            "/v1/console", "https://evil.example", "binary, porthole.token." + tokens.sign(HOST));

    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.body()).contains("ORIGIN_REJECTED");
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agents.requested()).isEmpty();
  }

  @Test
  void upgradesNativeClientWithoutOriginOnItsTokenAlone() {
    EmbeddedConsole.Answer answer =
        console.upgrade("/v1/console", null, "binary, porthole.token." + tokens.sign(HOST));

    assertThat(answer.status()).isEqualTo(101);
    assertThat(new String(console.binaryBytes())).isEqualTo(FakeHostAgent.BANNER);
  }

  @Test
  void refusesClientWithoutOriginWhoseTokenDoesNotVerify() {
    String forged = new TokenMint("unknown-kid").sign(HOST);
    EmbeddedConsole.Answer answer =
        console.upgrade("/v1/console", null, "binary, porthole.token." + forged);

    assertThat(answer.status()).isEqualTo(101);
    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(4001);
    close.release();
    assertThat(agents.requested()).isEmpty();
  }

  @Test
  void cookiesOpenNoConsoleForAClientWithoutOrigin() {
    EmbeddedConsole.Answer answer =
        console.raw(
            "GET /v1/console HTTP/1.1\r\nHost: localhost:8081\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n"
                + "Cookie: q_session=signed-in-user\r\nAuthorization: Bearer x\r\n\r\n");
    assertThat(answer.status()).isEqualTo(101);

    console.advanceSeconds(6);

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(4001);
    close.release();
    assertThat(agents.requested()).isEmpty();
  }

  @Test
  void rejectsOriginThatOnlyResemblesAnAllowedOne() {
    EmbeddedConsole.Answer answer =
        console.upgrade(
            "/v1/console",
            ProxyFixtures.ORIGIN + ".evil.example",
            "binary, porthole.token." + tokens.sign(HOST));

    assertThat(answer.status()).isEqualTo(403);
  }

  @Test
  void upgradesClientBeyondLoopback() {
    console.close();
    console = new EmbeddedConsole(pipeline, new InetSocketAddress("192.0.2.10", 40000));

    EmbeddedConsole.Answer answer =
        console.upgrade(
            "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));

    assertThat(answer.status()).isEqualTo(101);
    assertThat(new String(console.binaryBytes())).isEqualTo(FakeHostAgent.BANNER);
    assertThat(console.server().isOpen()).isTrue();
  }

  @Test
  void rejectsMissingToken() {
    EmbeddedConsole.Answer answer = console.upgrade("/v1/console", ProxyFixtures.ORIGIN, "binary");
    assertThat(answer.status()).isEqualTo(101);

    console.advanceSeconds(4);
    assertThat(console.server().isOpen()).isTrue();
    console.advanceSeconds(2);

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(4001);
    close.release();
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agents.requested()).isEmpty();
  }

  @Test
  void rejectsTokenInUrlQuery() {
    EmbeddedConsole.Answer answer =
        console.upgrade("/v1/console?token=" + tokens.sign(HOST), ProxyFixtures.ORIGIN, "binary");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).contains("query parameters are refused");
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agents.requested()).isEmpty();
  }

  @Test
  void rejectsUnknownPath() {
    EmbeddedConsole.Answer answer = console.upgrade("/v1/other", ProxyFixtures.ORIGIN, "binary");

    assertThat(answer.status()).isEqualTo(404);
  }

  @Test
  void rejectsClientThatDoesNotOfferBinary() {
    EmbeddedConsole.Answer answer =
        console.upgrade("/v1/console", ProxyFixtures.ORIGIN, "porthole.token." + tokens.sign(HOST));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(agents.requested()).isEmpty();
  }

  @Test
  void rejectsGarbageInsteadOfHttp() {
    EmbeddedConsole.Answer answer = console.raw("\u0000\u0001garbage \u00ff\r\n\r\n");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(console.server().isOpen()).isFalse();
  }

  @Test
  void disconnectsClientThatNeverCompletesItsRequest() {
    console.raw("GET /v1/console HTTP/1.1\r\nHost: x\r\n");

    console.advanceSeconds(AdmissionLimits.DEFAULTS.deadline().toSeconds() + 1);

    assertThat(console.server().isOpen()).isFalse();
  }

  @Test
  void rejectsOversizedFrame() {
    console.upgrade(
        "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));
    console.binaryBytes();

    console.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[MAX_FRAME + 1])));

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(1009);
    close.release();
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agent.cancelled()).isTrue();
    assertThat(agent.receivedData()).isEmpty();
  }

  @Test
  void rejectsTextAfterAuth() {
    console.upgrade(
        "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));
    console.binaryBytes();

    console.send(new TextWebSocketFrame("not vnc"));

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(1003);
    close.release();
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agent.cancelled()).isTrue();
  }

  @Test
  void rejectsUnmaskedClientFrame() {
    console.upgrade(
        "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));
    console.binaryBytes();

    console.rawBytes(new byte[] {(byte) 0x82, 0x02, 'h', 'i'});

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(1002);
    close.release();
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agent.cancelled()).isTrue();
  }
}
