package org.porthole.wsproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.Settings;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.AgentServers;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.testsupport.ws.WsClient;
import org.porthole.wsproxy.admission.AdmissionLimits;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.refusal.KafkaRefusals;
import org.porthole.wsproxy.refusal.Refusal;
import org.porthole.wsproxy.server.ProxyApplication;

/**
 * The SSO path of the ws-proxy as deployed: real sockets, the engine's JWKS over HTTP, a host agent
 * over gRPC with mutual TLS, a real WebSocket client, and the refusals the proxy reports for the
 * audit. An SSO token opens only {@code /v1/sso} (relayed over {@code OpenSso}), a console token
 * only {@code /v1/console}.
 */
class SsoPathIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Short, so the deadline test ends fast; ample for a token verified on loopback. */
  private static final int AUTH_DEADLINE_SECONDS = 3;

  @TempDir static Path dir;

  private static final TokenMint TOKENS = new TokenMint("sso-it-key");
  private static final LinkedBlockingQueue<Refusal> REFUSALS = new LinkedBlockingQueue<>();
  private static JwksServer jwks;
  private static ProxyApplication proxy;
  private final List<Server> agents = new ArrayList<>();
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void startProxy() throws Exception {
    jwks = JwksServer.start(TOKENS);
    Map<String, String> values = new HashMap<>();
    values.put("porthole.pki.dir", dir.resolve("pki").toString());
    values.put("porthole.proxy.port", "0");
    values.put("porthole.proxy.admin-port", "0");
    values.put("porthole.jwks.url", "http://127.0.0.1:" + jwks.port() + JwksServer.PATH);
    values.put("porthole.kafka.bootstrap", KafkaRefusals.OFF);
    values.put(AdmissionLimits.KEY_DEADLINE_SECONDS, Integer.toString(AUTH_DEADLINE_SECONDS));
    proxy = ProxyApplication.start(Settings.of(values), REFUSALS::add);
  }

  @AfterAll
  static void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
    if (jwks != null) {
      jwks.close();
    }
  }

  @BeforeEach
  void forgetEarlierRefusals() {
    REFUSALS.clear();
  }

  @AfterEach
  void closeClientsAndAgents() {
    clients.forEach(WsClient::close);
    agents.forEach(Server::shutdownNow);
  }

  private static URI uri(String path) {
    return URI.create("ws://127.0.0.1:" + proxy.server().address().getPort() + path);
  }

  private String agent(FakeHostAgent fake) throws Exception {
    Server server = AgentServers.start(dir.resolve("pki"), fake, false);
    agents.add(server);
    return AgentServers.hostId(server);
  }

  private WsClient client(String path, String token) throws Exception {
    WsClient client = WsClient.connect(uri(path), ProxyFixtures.ORIGIN, token);
    clients.add(client);
    assertThat(client.handshakeStatus()).isEqualTo(101);
    return client;
  }

  private static TokenClaims sso(String hostId) {
    return TokenClaims.forHost(hostId).withSso(TokenClaims.Sso.demo());
  }

  @Test
  void relaysBytesBothWaysOnTheSsoPathOverOpenSso() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    String token = TOKENS.sign(sso(agent(fake)));
    WsClient client = client("/v1/sso", token);
    awaitTrue(() -> !fake.received().isEmpty(), "the open frame reached the agent");

    // The guest speaks first (docs/sso-protocol.md): the agent's bytes reach the viewer...
    fake.toProxy().onNext(AgentMessages.data(bytes("{\"type\":\"signature\"}\n")));
    assertThat(WsClient.text(client.awaitBytes(21, WAIT))).isEqualTo("{\"type\":\"signature\"}\n");
    // ...and the viewer's reach the agent (which echoes them).
    client.send(bytes("{\"type\":\"start-sasl\"}\n"));

    assertThat(WsClient.text(client.awaitBytes(43, WAIT))).endsWith("{\"type\":\"start-sasl\"}\n");
    assertThat(WsClient.text(fake.receivedData())).isEqualTo("{\"type\":\"start-sasl\"}\n");
    assertThat(fake.received().get(0).getOpen().getToken()).isEqualTo(token);
    assertThat(fake.ssoCalls()).isEqualTo(1);
    assertThat(fake.consoleCalls()).as("OpenSso counts here too: no OpenConsole").isEqualTo(1);
    assertThat(REFUSALS).isEmpty();
  }

  @Test
  void closesAnSsoTokenOnTheConsolePathWith4003AndReportsWhoTried() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    TokenClaims claims = sso(agent(fake)).withSubject("bob");
    WsClient client = client("/v1/console", TOKENS.sign(claims));

    assertThat(client.awaitClose(WAIT)).isEqualTo(4003);
    assertThat(client.closeReason()).contains("/v1/sso");
    assertRefusedWithClaims(claims);
    assertThat(fake.consoleCalls()).isZero();
  }

  @Test
  void closesAConsoleTokenOnTheSsoPathWith4003AndReportsWhoTried() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    TokenClaims claims = TokenClaims.forHost(agent(fake));
    String token = TOKENS.sign(claims);
    WsClient client = client("/v1/sso", token);

    assertThat(client.awaitClose(WAIT)).isEqualTo(4003);
    assertThat(client.closeReason()).contains("/v1/console");
    assertRefusedWithClaims(claims);
    assertThat(fake.consoleCalls()).isZero();

    WsClient right = client("/v1/console", TOKENS.sign(TokenClaims.forHost(claims.hostId())));
    assertThat(WsClient.text(right.awaitBytes(FakeHostAgent.BANNER.length(), WAIT)))
        .as("the same kind of token opens its own path")
        .isEqualTo(FakeHostAgent.BANNER);
    assertThat(fake.ssoCalls()).isZero();
  }

  @Test
  void refusesAForeignOriginOnTheSsoPath() throws Exception {
    WsClient client =
        WsClient.connect(
            uri("/v1/sso"),
            "https://evil.example",
            "binary,porthole.token." + TOKENS.sign(sso("localhost:1")),
            null,
            true,
            null);
    clients.add(client);

    assertThat(client.handshakeStatus()).isEqualTo(403);
    Refusal refusal = REFUSALS.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(refusal).isNotNull();
    assertThat(refusal.status()).isEqualTo(PortholeStatus.ORIGIN_REJECTED);
  }

  @Test
  void holdsTheAuthenticationDeadlineOnTheSsoPath() throws Exception {
    WsClient client =
        WsClient.connect(uri("/v1/sso"), ProxyFixtures.ORIGIN, "binary", null, true, null);
    clients.add(client);
    assertThat(client.handshakeStatus()).isEqualTo(101);

    assertThat(client.awaitClose(WAIT)).isEqualTo(4001);
    Refusal refusal = REFUSALS.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(refusal).isNotNull();
    assertThat(refusal.reason()).contains("within " + AUTH_DEADLINE_SECONDS + " s");
  }

  @Test
  void anUnknownPathIs404NamingBothPaths() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", proxy.server().address().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          bytes(
              "GET /v1/kerberos HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                  + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n"));
      out.flush();
      socket.setSoTimeout((int) WAIT.toMillis());
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 404").contains("/v1/console").contains("/v1/sso");
    }
  }

  private static void assertRefusedWithClaims(TokenClaims claims) throws InterruptedException {
    Refusal refusal = REFUSALS.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(refusal).as("a refusal for the audit").isNotNull();
    assertThat(refusal.status()).isEqualTo(PortholeStatus.FORBIDDEN);
    assertThat(refusal.clientAddress()).startsWith("127.0.0.1:");
    assertThat(refusal.claims())
        .isEqualTo(
            new Refusal.VerifiedClaims(claims.vmUuid(), claims.sessionId(), claims.subject()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + WAIT + ": " + what);
  }
}
