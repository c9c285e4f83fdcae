package org.porthole.wsproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.Settings;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.admin.MetricsScrape;
import org.porthole.testsupport.hostagent.AgentServers;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.testsupport.ws.WsClient;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.refusal.KafkaRefusals;
import org.porthole.wsproxy.server.ProxyApplication;

/**
 * The admin port of a real proxy: health as probes read it, and {@code /metrics} after consoles
 * this test opened through the relay (real WebSockets, a host agent over mutual TLS), refused and
 * broke.
 */
class AdminPortIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int SENT = 5000;

  @TempDir static Path dir;

  private static final TokenMint TOKENS = new TokenMint("admin-it");
  private static JwksServer jwks;
  private static ProxyApplication proxy;
  private static Server agent;
  private static FakeHostAgent fake;
  private static URI console;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    jwks = JwksServer.start(TOKENS);
    proxy = ProxyApplication.start(settings("http://127.0.0.1:" + jwks.port() + JwksServer.PATH));
    console = URI.create("ws://127.0.0.1:" + proxy.server().address().getPort() + "/v1/console");
    admin = proxy.admin().url();
    fake = new FakeHostAgent();
    agent = AgentServers.start(dir.resolve("pki"), fake, false);
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.shutdownNow();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (jwks != null) {
      jwks.close();
    }
  }

  private static Settings settings(String jwksUrl) {
    Map<String, String> values = new HashMap<>();
    values.put("porthole.pki.dir", dir.resolve("pki").toString());
    values.put("porthole.proxy.port", "0");
    values.put("porthole.proxy.admin-port", "0");
    values.put("porthole.jwks.url", jwksUrl);
    values.put("porthole.kafka.bootstrap", KafkaRefusals.OFF);
    return Settings.of(values);
  }

  @Test
  void metricsCountTheConsolesRelayedRefusedAndBroken() throws Exception {
    awaitStatus(admin + "/q/health/ready", 200);
    String host = AgentServers.hostId(agent);

    WsClient client = WsClient.connect(console, ProxyFixtures.ORIGIN, TOKENS.sign(host));
    assertThat(client.handshakeStatus()).isEqualTo(101);
    client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT);
    byte[] payload = new byte[SENT];
    Arrays.fill(payload, (byte) 'x');
    client.send(payload);
    client.awaitBytes(FakeHostAgent.BANNER.length() + SENT, WAIT);
    MetricsScrape during = AdminGet.metrics(admin + "/metrics");
    assertThat(during.sum("porthole_consoles_open", "mode", "interactive", "channel", "vnc"))
        .isEqualTo(1);
    client.closeNormally();

    String wrongAudience = TOKENS.sign(TokenClaims.forHost(host).withAudience("someone-else"));
    WsClient refused = WsClient.connect(console, ProxyFixtures.ORIGIN, wrongAudience);
    assertThat(refused.awaitClose(WAIT)).isEqualTo(4001);
    refused.close();

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WsClient broken =
        WsClient.connect(console, ProxyFixtures.ORIGIN, TOKENS.sign("localhost:" + closedPort));
    assertThat(broken.awaitClose(WAIT)).isEqualTo(1014);
    broken.close();

    MetricsScrape after = awaitConsolesClosed();
    assertThat(after.sum("porthole_relay_bytes_total", "direction", "to_vm"))
        .isGreaterThanOrEqualTo(SENT);
    assertThat(after.sum("porthole_relay_bytes_total", "direction", "to_client"))
        .isGreaterThanOrEqualTo(FakeHostAgent.BANNER.length() + SENT);
    assertThat(after.sum("porthole_token_verifications_total", "result", "ok")).isEqualTo(2);
    assertThat(after.sum("porthole_token_verifications_total", "result", "TOKEN_REJECTED"))
        .isEqualTo(1);
    assertThat(after.sum("porthole_relay_errors_total", "status", "UPSTREAM_UNAVAILABLE"))
        .isEqualTo(1);
    assertThat(after.find("porthole_relay_bytes_total").get(0).labels())
        .containsEntry("service", "ws-proxy");
    assertThat(new String(fake.receivedData(), StandardCharsets.US_ASCII)).hasSize(SENT);
  }

  @Test
  void isLiveButNotReadyWithoutTheEnginesKeys() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (ProxyApplication keyless =
        ProxyApplication.start(settings("http://127.0.0.1:" + closedPort + JwksServer.PATH))) {
      String url = keyless.admin().url();
      AdminGet.Answer ready = AdminGet.get(url + "/q/health/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body())
          .contains("\"name\":\"verification-keys\",\"status\":\"DOWN\"")
          .contains("no keys from the engine yet");
      assertThat(AdminGet.get(url + "/q/health/live").status()).isEqualTo(200);
      assertThat(AdminGet.get(url + "/q/health").status()).isEqualTo(503);
      assertThat(keyless.admin().address().getPort())
          .isNotEqualTo(proxy.admin().address().getPort());
    }
  }

  private static MetricsScrape awaitConsolesClosed() throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    MetricsScrape scrape = AdminGet.metrics(admin + "/metrics");
    while (scrape.sum("porthole_consoles_open") != 0 && System.nanoTime() < end) {
      Thread.sleep(20);
      scrape = AdminGet.metrics(admin + "/metrics");
    }
    assertThat(scrape.sum("porthole_consoles_open")).as("consoles open after the test").isZero();
    return scrape;
  }

  private static void awaitStatus(String url, int status) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    int last = AdminGet.get(url).status();
    while (last != status && System.nanoTime() < end) {
      Thread.sleep(20);
      last = AdminGet.get(url).status();
    }
    assertThat(last).as(url).isEqualTo(status);
  }
}
