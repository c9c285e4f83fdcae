package org.porthole.wsproxy.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.admission.AdmissionLimits;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.refusal.Refusal;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/**
 * Consoles the proxy refuses for their origin, address or token are reported for the audit, never
 * with the token.
 */
class RefusalReportTest {

  private static final String HOST = "agent-a:9443";

  private final TokenMint tokens = new TokenMint();
  private final InProcessAgents agents = new InProcessAgents().add(HOST, new FakeHostAgent());
  private final List<Refusal> reported = new CopyOnWriteArrayList<>();
  private final ConsoleChannelInitializer pipeline =
      new ConsoleChannelInitializer(
          null,
          ProxyFixtures.config(4096, Duration.ofSeconds(20), URI.create("http://127.0.0.1:9/jwks")),
          AdmissionLimits.DEFAULTS,
          reported::add,
          ProxyFixtures.authenticator(tokens),
          agents);
  private EmbeddedConsole console = new EmbeddedConsole(pipeline);

  @AfterEach
  void tearDown() {
    console.close();
    agents.close();
  }

  @Test
  void foreignOriginIsReportedForTheAudit() {
    console.upgrade(
        "/v1/console", "https://evil.example", "binary, porthole.token." + tokens.sign(HOST));

    assertThat(reported)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(PortholeStatus.ORIGIN_REJECTED);
              assertThat(r.clientAddress()).isEqualTo("127.0.0.1:50000");
            });
  }

  @Test
  void remoteClientIsReportedWithItsAddress() {
    console.close();
    console = new EmbeddedConsole(pipeline, new InetSocketAddress("192.0.2.10", 40000));
    console.upgrade(
        "/v1/console", "https://evil.example", "binary, porthole.token." + tokens.sign(HOST));

    assertThat(reported)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(PortholeStatus.ORIGIN_REJECTED);
              assertThat(r.clientAddress()).isEqualTo("192.0.2.10:40000");
            });
  }

  @Test
  void tamperedTokenIsReportedWithoutTheToken() {
    String token = tokens.sign(HOST);
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    console.upgrade("/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tampered);
    console.pump();

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(4001);
    close.release();
    assertThat(reported)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(PortholeStatus.TOKEN_REJECTED);
              assertThat(r.reason())
                  .doesNotContain(tampered.substring(tampered.lastIndexOf('.') + 1));
            });
  }

  @Test
  void aWrongChannelIsReportedWithTheVerifiedClaims() {
    TokenClaims sso = TokenClaims.forHost(HOST).withSso(TokenClaims.Sso.demo());
    String token = tokens.sign(sso);
    console.upgrade("/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + token);
    console.pump();

    CloseWebSocketFrame close = console.closeFrame();
    assertThat(close.statusCode()).isEqualTo(4003);
    close.release();
    assertThat(reported)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(PortholeStatus.FORBIDDEN);
              assertThat(r.claimsVerified()).isTrue();
              assertThat(r.claims())
                  .isEqualTo(
                      new Refusal.VerifiedClaims(sso.vmUuid(), sso.sessionId(), sso.subject()));
              assertThat(r.toString()).doesNotContain(token).doesNotContain(sso.tokenId());
            });
  }

  @Test
  void aRejectedTokenIsReportedWithoutClaims() {
    String token = new TokenMint(tokens.kid()).sign(HOST);
    console.upgrade("/v1/sso", ProxyFixtures.ORIGIN, "binary, porthole.token." + token);
    console.pump();

    assertThat(reported)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(PortholeStatus.TOKEN_REJECTED);
              assertThat(r.claimsVerified()).isFalse();
            });
  }

  @Test
  void acceptedConsoleIsNotReported() {
    EmbeddedConsole.Answer answer =
        console.upgrade(
            "/v1/console", ProxyFixtures.ORIGIN, "binary, porthole.token." + tokens.sign(HOST));
    console.pump();

    assertThat(answer.status()).isEqualTo(101);
    assertThat(reported).isEmpty();
  }
}
