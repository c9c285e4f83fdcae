package org.porthole.wsproxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/** A full relay through the proxy's pipeline to in-process host agents, on the test thread. */
class ConsoleRelayTest {

  private static final String HOST_A = "agent-a:9443";
  private static final String HOST_B = "agent-b:9443";

  private final TokenMint tokens = new TokenMint();
  private final InProcessAgents agents = new InProcessAgents();
  private EmbeddedConsole console;

  @AfterEach
  void tearDown() {
    if (console != null) {
      console.close();
    }
    agents.close();
  }

  private EmbeddedConsole open(FakeHostAgent agent, String token) {
    agents.add(HOST_A, agent);
    console =
        new EmbeddedConsole(
            new ConsoleChannelInitializer(
                null, ProxyFixtures.config(), ProxyFixtures.authenticator(tokens), agents));
    EmbeddedConsole.Answer answer =
        console.upgrade(
            "/v1/console",
            ProxyFixtures.ORIGIN,
            token == null ? "binary" : "binary, porthole.token." + token);
    assertThat(answer.status()).isEqualTo(101);
    return console;
  }

  private static BinaryWebSocketFrame binary(String text) {
    return new BinaryWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  private int closeCode() {
    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close).as("close frame").isNotNull();
    int code = close.statusCode();
    close.release();
    return code;
  }

  @Test
  void relaysBytesBothWays() {
    FakeHostAgent agent = new FakeHostAgent();
    String token = tokens.sign(HOST_A);
    open(agent, token);

    assertThat(new String(console.binaryBytes(), StandardCharsets.US_ASCII))
        .isEqualTo(FakeHostAgent.BANNER);
    console.send(binary("RFB 003.008\n"));
    console.send(binary("hello"));

    assertThat(new String(agent.receivedData(), StandardCharsets.US_ASCII))
        .isEqualTo("RFB 003.008\nhello");
    assertThat(new String(console.binaryBytes(), StandardCharsets.US_ASCII))
        .isEqualTo("RFB 003.008\nhello");
    ConsoleFrame first = agent.received().get(0);
    assertThat(first.getOpen().getToken()).isEqualTo(token);
    assertThat(first.getOpen().getClientAddress()).isEqualTo("127.0.0.1:50000");
  }

  @Test
  void acceptsTokenInFirstTextMessage() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, null);
    assertThat(agent.consoleCalls()).isZero();

    console.send(new TextWebSocketFrame(tokens.sign(HOST_A)));

    assertThat(agent.consoleCalls()).isEqualTo(1);
    assertThat(new String(console.binaryBytes(), StandardCharsets.US_ASCII))
        .isEqualTo(FakeHostAgent.BANNER);
    console.advanceSeconds(10);
    assertThat(console.server().isOpen()).isTrue();
  }

  @Test
  void rejectsDataWhileTheTokenIsBeingVerified() {
    java.util.ArrayDeque<Runnable> held = new java.util.ArrayDeque<>();
    org.porthole.token.TokenVerifier verifier =
        new org.porthole.token.TokenVerifier(
            new org.porthole.token.StaticKeys(tokens.publicKeys()),
            TokenClaims.ISSUER,
            TokenClaims.AUDIENCE,
            java.time.Clock.systemUTC());
    FakeHostAgent agent = new FakeHostAgent();
    agents.add(HOST_A, agent);
    console =
        new EmbeddedConsole(
            new ConsoleChannelInitializer(
                null,
                ProxyFixtures.config(),
                new org.porthole.wsproxy.token.ConsoleAuthenticator(
                    verifier, verifier, held::add, held::add),
                agents));
    console.upgrade(
        "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST_A));

    console.send(binary("too early"));
    assertThat(closeCode()).isEqualTo(1007);
    held.forEach(Runnable::run);
    console.pump();

    assertThat(agent.consoleCalls()).as("a verdict after the close opens nothing").isZero();
  }

  @Test
  void rejectsBinaryBeforeToken() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, null);

    console.send(binary("RFB 003.008\n"));

    assertThat(closeCode()).isEqualTo(4001);
    assertThat(agent.consoleCalls()).isZero();
  }

  @Test
  void routesOnlyToTheHostNamedInTheToken() {
    FakeHostAgent agentA = new FakeHostAgent();
    FakeHostAgent agentB = new FakeHostAgent();
    agents.add(HOST_B, agentB);
    open(agentA, tokens.sign(HOST_B));

    assertThat(agents.requested()).containsExactly(HOST_B);
    assertThat(agentB.consoleCalls()).isEqualTo(1);
    assertThat(agentA.consoleCalls()).isZero();
  }

  @Test
  void rejectsTokenSignedWithForeignKey() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, new TokenMint("test-key-1").sign(HOST_A));

    assertThat(closeCode()).isEqualTo(4001);
    assertThat(agent.consoleCalls()).isZero();
    assertThat(console.server().isOpen()).isFalse();
  }

  @Test
  void rejectsTokenForAnotherChannel() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(TokenClaims.forHost(HOST_A).withSso(TokenClaims.Sso.demo())));

    assertThat(closeCode()).isEqualTo(4003);
    assertThat(agent.consoleCalls()).isZero();
  }

  @Test
  void rejectsGarbageToken() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, "a.b.c");

    assertThat(closeCode()).isEqualTo(4001);
    assertThat(agent.consoleCalls()).isZero();
  }

  @Test
  void closesWith1014WhenTheTokenNamesAnUnknownAgent() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign("agent-z:9443"));

    assertThat(closeCode()).isEqualTo(1014);
  }

  @ParameterizedTest
  @CsvSource({
    "CONFLICT,4009",
    "NOT_FOUND,4004",
    "TOKEN_REJECTED,4001",
    "FORBIDDEN,4003",
    "UPSTREAM_UNAVAILABLE,1014",
    "CLOSED,1000",
    "NONSENSE,1011",
    "OVERLOADED,1013"
  })
  void mapsAgentCloseStatusToCloseCode(String status, int code) {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();

    agent.toProxy().onNext(AgentMessages.data("last bytes".getBytes(StandardCharsets.US_ASCII)));
    agent.toProxy().onNext(AgentMessages.close(status, "why"));
    console.pump();
    assertThat(agent.halfClosed())
        .as("the proxy half-closes after the agent's close frame")
        .isTrue();
    agent.toProxy().onCompleted();
    console.pump();

    List<WebSocketFrame> frames = console.frames();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).content().toString(StandardCharsets.US_ASCII)).isEqualTo("last bytes");
    assertThat(((CloseWebSocketFrame) frames.get(1)).statusCode()).isEqualTo(code);
    assertThat(((CloseWebSocketFrame) frames.get(1)).reasonText()).isEqualTo("why");
    frames.forEach(WebSocketFrame::release);
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agent.cancelled()).as("the agent finished the call itself").isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "UNAVAILABLE,1014",
    "PERMISSION_DENIED,4003",
    "UNAUTHENTICATED,4001",
    "INVALID_ARGUMENT,1007",
    "INTERNAL,1011",
    "RESOURCE_EXHAUSTED,1009"
  })
  void mapsGrpcStatusToCloseCode(Status.Code grpcCode, int code) {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();

    agent
        .toProxy()
        .onError(grpcCode.toStatus().withDescription("agent says no").asRuntimeException());
    console.pump();

    assertThat(closeCode()).isEqualTo(code);
    assertThat(console.server().isOpen()).isFalse();
  }

  @Test
  void closesNormallyWhenAgentCompletes() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();

    agent.toProxy().onCompleted();
    console.pump();

    assertThat(closeCode()).isEqualTo(1000);
  }

  @Test
  void cancelsAgentCallWhenClientCloses() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();

    console.send(new CloseWebSocketFrame(1000, "bye"));

    assertThat(closeCode()).isEqualTo(1000);
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agent.cancelled()).isTrue();
  }

  @Test
  void cancelsAgentCallWhenConnectionDrops() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));

    console.server().close();
    console.pump();

    assertThat(agent.cancelled()).isTrue();
  }

  @Test
  void splitsLargeFramesIntoDataFramesOf64KiB() {
    FakeHostAgent agent = new FakeHostAgent(false, false);
    open(agent, tokens.sign(HOST_A));
    byte[] payload = new byte[200 * 1024];
    new Random(7).nextBytes(payload);

    console.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));

    assertThat(agent.received()).hasSize(1 + 4);
    assertThat(agent.received().get(1).getData().size()).isEqualTo(64 * 1024);
    assertThat(agent.receivedData()).isEqualTo(payload);
  }

  @Test
  void stopsReadingWebSocketWhileAgentIsNotReady() {
    FakeHostAgent agent = new FakeHostAgent(true, false);
    open(agent, tokens.sign(HOST_A));
    assertThat(console.server().config().isAutoRead()).isTrue();

    console.send(binary("more than the agent asked for"));
    assertThat(console.server().config().isAutoRead()).isFalse();

    agent.toProxy().request(1);
    console.pump();
    assertThat(console.server().config().isAutoRead())
        .as("queued message taken, nothing more asked")
        .isFalse();
    agent.toProxy().request(1);
    console.pump();
    assertThat(console.server().config().isAutoRead()).isTrue();
    assertThat(new String(agent.receivedData(), StandardCharsets.US_ASCII))
        .isEqualTo("more than the agent asked for");
  }

  @Test
  void requestsNextAgentMessageOnlyAfterWriteCompletesAndWhileWritable() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();
    assertThat(agent.toProxy().isReady())
        .as("one message requested after the banner was written")
        .isTrue();

    console.server().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    agent.toProxy().onNext(AgentMessages.data(new byte[] {1}));
    assertThat(agent.toProxy().isReady()).as("no request before the write completed").isFalse();
    console.pump();
    assertThat(console.binaryBytes()).containsExactly(1);
    assertThat(agent.toProxy().isReady())
        .as("no request while the channel is unwritable")
        .isFalse();

    console.server().unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    console.pump();
    assertThat(agent.toProxy().isReady()).isTrue();
  }

  @Test
  void answersPingAndSendsItsOwnPings() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();

    console.send(new PingWebSocketFrame(Unpooled.copiedBuffer("p", StandardCharsets.US_ASCII)));
    List<WebSocketFrame> frames = console.frames();
    assertThat(frames).hasSize(1).first().isInstanceOf(PongWebSocketFrame.class);
    frames.forEach(WebSocketFrame::release);

    console.advanceSeconds(20);
    frames = console.frames();
    assertThat(frames).hasSize(1).first().isInstanceOf(PingWebSocketFrame.class);
    frames.forEach(WebSocketFrame::release);
  }

  @Test
  void keepsIdleConsoleOpenWhileClientAnswersPings() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();

    for (int i = 0; i < 30; i++) {
      console.advanceSeconds(20);
      console.frames().forEach(WebSocketFrame::release);
      console.send(new PongWebSocketFrame());
    }

    assertThat(console.server().isOpen()).isTrue();
    assertThat(agent.cancelled()).isFalse();
  }

  @Test
  void closesConsoleWhoseClientStopsAnsweringPings() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.binaryBytes();

    console.advanceSeconds(20 * 3);
    assertThat(console.server().isOpen()).isTrue();
    console.advanceSeconds(20);

    assertThat(closeCode()).isEqualTo(1001);
    assertThat(console.server().isOpen()).isFalse();
    assertThat(agent.cancelled()).isTrue();
  }

  @Test
  void keepsServingAfterGarbageOnAnotherConnection() {
    FakeHostAgent agent = new FakeHostAgent();
    open(agent, tokens.sign(HOST_A));
    console.rawBytes(new byte[] {(byte) 0x8f, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    assertThat(console.server().isOpen()).isFalse();
    console.close();

    console =
        new EmbeddedConsole(
            new ConsoleChannelInitializer(
                null, ProxyFixtures.config(), ProxyFixtures.authenticator(tokens), agents));
    assertThat(
            console
                .upgrade(
                    "/v1/console",
                    ProxyFixtures.ORIGIN,
                    "binary, porthole.token." + tokens.sign(HOST_A))
                .status())
        .isEqualTo(101);
    console.binaryBytes();
    console.send(binary("still here"));
    assertThat(new String(console.binaryBytes(), StandardCharsets.US_ASCII))
        .isEqualTo("still here");
  }
}
