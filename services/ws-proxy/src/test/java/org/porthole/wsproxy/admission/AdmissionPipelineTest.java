package org.porthole.wsproxy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.refusal.Refusal;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/** The caps and the deadline on the proxy's real pipeline, without a network. */
class AdmissionPipelineTest {

  private static final String HOST = "agent-a:9443";
  private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50000);
  private static final InetSocketAddress OTHER_CLIENT = new InetSocketAddress("127.0.0.2", 50000);
  private static final Duration DEADLINE = Duration.ofSeconds(4);

  private final TokenMint tokens = new TokenMint();
  private final InProcessAgents agents = new InProcessAgents().add(HOST, new FakeHostAgent());
  private final List<Refusal> refusals = new ArrayList<>();
  private final ConsoleChannelInitializer pipeline =
      new ConsoleChannelInitializer(
          null,
          ProxyFixtures.config(),
          new AdmissionLimits(2, 3, DEADLINE),
          refusals::add,
          ProxyFixtures.authenticator(tokens),
          agents);
  private final List<EmbeddedConsole> consoles = new ArrayList<>();

  @AfterEach
  void tearDown() {
    consoles.forEach(EmbeddedConsole::close);
    agents.close();
  }

  private EmbeddedConsole connect(InetSocketAddress client) {
    EmbeddedConsole console = new EmbeddedConsole(pipeline, client);
    consoles.add(console);
    return console;
  }

  private EmbeddedConsole.Answer upgradeWithoutToken(EmbeddedConsole console) {
    return console.upgrade("/v1/console", ProxyFixtures.ORIGIN, "binary");
  }

  @Test
  void refusesAnAddressOverItsCapWith429BeforeTheUpgrade() {
    assertThat(upgradeWithoutToken(connect(CLIENT)).status()).isEqualTo(101);
    connect(CLIENT); // a silent connection holds a place too

    EmbeddedConsole third = connect(CLIENT);
    EmbeddedConsole.Answer answer =
        third.upgrade(
            "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));

    assertThat(answer.status()).isEqualTo(429);
    assertThat(answer.header("Retry-After")).isEqualTo("1");
    assertThat(answer.body()).contains("TOO_MANY_REQUESTS");
    assertThat(third.server().isOpen()).isFalse();
    assertThat(agents.requested()).as("a refused connection reaches no agent").isEmpty();
    assertThat(refusals)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(PortholeStatus.TOO_MANY_REQUESTS);
              assertThat(r.clientAddress()).isEqualTo("127.0.0.1:50000");
            });
  }

  @Test
  void refusesEveryoneOverTheTotalCapWith503() {
    connect(CLIENT);
    connect(CLIENT);
    connect(OTHER_CLIENT);

    EmbeddedConsole.Answer answer =
        upgradeWithoutToken(connect(new InetSocketAddress("127.0.0.3", 1)));

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).contains("OVERLOADED");
  }

  @Test
  void refusedSilentConnectionIsDroppedQuickly() {
    connect(CLIENT);
    connect(CLIENT);
    EmbeddedConsole silent = connect(CLIENT);

    silent.advanceSeconds(RefusingHandler.WAIT_SECONDS);

    assertThat(silent.server().isOpen()).isFalse();
  }

  @Test
  void authenticatedConsoleLeavesTheCountAndOutlivesTheDeadline() {
    EmbeddedConsole console = connect(CLIENT);
    console.upgrade(
        "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));
    assertThat(new String(console.binaryBytes())).isEqualTo(FakeHostAgent.BANNER);

    assertThat(pipeline.unauthenticated().held()).isZero();
    assertThat(console.server().pipeline().get(AdmissionGuard.class)).isNull();
    console.advanceSeconds(DEADLINE.toSeconds() * 2);
    assertThat(console.server().isOpen()).isTrue();
    assertThat(refusals).isEmpty();
  }

  @Test
  void closedConnectionGivesItsPlaceBack() {
    EmbeddedConsole first = connect(CLIENT);
    connect(CLIENT);
    first.server().close();

    assertThat(pipeline.unauthenticated().held()).isEqualTo(1);
    assertThat(upgradeWithoutToken(connect(CLIENT)).status()).isEqualTo(101);
  }

  @Test
  void slowlorisWithoutACompleteRequestIsDisconnectedAtTheDeadline() {
    EmbeddedConsole console = connect(CLIENT);
    console.raw("GET /v1/console HTTP/1.1\r\nHost: x\r\n");

    console.advanceSeconds(DEADLINE.toSeconds() - 1);
    assertThat(console.server().isOpen()).isTrue();
    console.advanceSeconds(1);

    assertThat(console.server().isOpen()).isFalse();
    assertThat(pipeline.unauthenticated().held()).isZero();
    assertThat(refusals)
        .singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo(PortholeStatus.TOKEN_REJECTED));
  }

  @Test
  void upgradedClientThatNeverSendsItsTokenIsClosedWith4001() {
    EmbeddedConsole console = connect(CLIENT);
    upgradeWithoutToken(console);
    console.advanceSeconds(DEADLINE.toSeconds());

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(4001);
    close.release();
    assertThat(console.server().isOpen()).isFalse();
    assertThat(pipeline.unauthenticated().held()).isZero();
  }

  @Test
  void tokenSentAsFirstMessageBeforeTheDeadlineOpensTheConsole() {
    EmbeddedConsole console = connect(CLIENT);
    upgradeWithoutToken(console);
    console.advanceSeconds(3);

    console.send(new TextWebSocketFrame(tokens.sign(HOST)));

    assertThat(new String(console.binaryBytes())).isEqualTo(FakeHostAgent.BANNER);
    assertThat(pipeline.unauthenticated().held()).isZero();
    console.advanceSeconds(DEADLINE.toSeconds());
    assertThat(console.server().isOpen()).isTrue();
  }
}
