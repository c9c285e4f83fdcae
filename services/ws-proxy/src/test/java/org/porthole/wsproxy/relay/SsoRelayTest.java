package org.porthole.wsproxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/**
 * The SSO path through the proxy's pipeline to an in-process host agent, on the test thread: each
 * path reaches its own RPC and no other, and the bytes are relayed as they are.
 */
class SsoRelayTest {

  private static final String HOST = "agent-a:9443";

  private final TokenMint tokens = new TokenMint();
  private final FakeHostAgent agent = new FakeHostAgent();
  private final InProcessAgents agents = new InProcessAgents().add(HOST, agent);
  private final EmbeddedConsole console =
      new EmbeddedConsole(
          new ConsoleChannelInitializer(
              null, ProxyFixtures.config(), ProxyFixtures.authenticator(tokens), agents));

  @AfterEach
  void tearDown() {
    console.close();
    agents.close();
  }

  private void open(String path, String token) {
    EmbeddedConsole.Answer answer =
        console.upgrade(path, ProxyFixtures.ORIGIN, "binary, porthole.token." + token);
    assertThat(answer.status()).isEqualTo(101);
    console.pump();
  }

  private int closeCode() {
    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close).as("close frame").isNotNull();
    int code = close.statusCode();
    close.release();
    return code;
  }

  @Test
  void routesTheSsoPathToOpenSsoOnly() {
    String token = tokens.sign(TokenClaims.forHost(HOST).withSso(TokenClaims.Sso.demo()));
    open("/v1/sso", token);

    assertThat(agent.ssoCalls()).isEqualTo(1);
    assertThat(agent.consoleCalls())
        .as("OpenSso calls count here too: no OpenConsole")
        .isEqualTo(1);
    ConsoleFrame first = agent.received().get(0);
    assertThat(first.getOpen().getToken()).isEqualTo(token);
    assertThat(first.getOpen().getClientAddress()).isEqualTo("127.0.0.1:50000");
    assertThat(console.binaryBytes()).as("the agent's SSO stream says nothing first").isEmpty();

    console.send(
        new BinaryWebSocketFrame(Unpooled.copiedBuffer("sso line\n", StandardCharsets.US_ASCII)));

    assertThat(new String(agent.receivedData(), StandardCharsets.US_ASCII)).isEqualTo("sso line\n");
    assertThat(new String(console.binaryBytes(), StandardCharsets.US_ASCII))
        .isEqualTo("sso line\n");
  }

  @Test
  void routesTheConsolePathToOpenConsoleOnly() {
    open("/v1/console", tokens.sign(HOST));

    assertThat(agent.consoleCalls()).isEqualTo(1);
    assertThat(agent.ssoCalls()).isZero();
    assertThat(new String(console.binaryBytes(), StandardCharsets.US_ASCII))
        .isEqualTo(FakeHostAgent.BANNER);
  }

  @Test
  void closesAConsoleTokenOnTheSsoPathWith4003BeforeAnyCall() {
    open("/v1/sso", tokens.sign(HOST));

    assertThat(closeCode()).isEqualTo(4003);
    assertThat(agent.consoleCalls()).isZero();
    assertThat(agents.requested()).as("no host agent was even looked up").isEmpty();
  }

  @Test
  void closesAForeignKeyTokenOnTheSsoPathAsRejected() {
    TokenMint foreign = new TokenMint(tokens.kid());
    open("/v1/sso", foreign.sign(TokenClaims.forHost(HOST).withSso(TokenClaims.Sso.demo())));

    assertThat(closeCode()).isEqualTo(4001);
    assertThat(agent.consoleCalls()).isZero();
  }
}
