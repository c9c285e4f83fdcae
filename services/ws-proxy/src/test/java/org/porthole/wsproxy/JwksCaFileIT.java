package org.porthole.wsproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.Settings;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.testsupport.admin.AdminGet;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.refusal.KafkaRefusals;
import org.porthole.wsproxy.server.ProxyApplication;

/**
 * A real proxy reading the engine's keys over https as in a cluster, the server's certificate
 * issued by a development-PKI CA: with that CA's file ({@code porthole.jwks.ca-file}) it loads the
 * keys and turns ready; with another CA's file, or none, it stays unready and its readiness check
 * says why.
 */
class JwksCaFileIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final TokenMint tokens = new TokenMint("jwks-ca-it");
  private TlsFiles engineCa;
  private JwksServer jwks;

  @BeforeEach
  void start() throws Exception {
    // The dev PKI issues serverAuth certificates to host agents only; host id localhost:1 names
    // localhost, the host of the https JwksServer's URL.
    engineCa = DevPki.ensure(dir.resolve("engine-ca"), ServiceIdentity.hostAgent("localhost:1"));
    jwks = JwksServer.startHttps(engineCa, Map.of(tokens.kid(), tokens.publicKey()));
  }

  @AfterEach
  void stop() {
    jwks.close();
  }

  private Settings settings(Path caFile) {
    Map<String, String> values = new HashMap<>();
    values.put("porthole.pki.dir", dir.resolve("proxy-pki").toString());
    values.put("porthole.proxy.port", "0");
    values.put("porthole.proxy.admin-port", "0");
    values.put("porthole.jwks.url", jwks.url().toString());
    values.put("porthole.kafka.bootstrap", KafkaRefusals.OFF);
    if (caFile != null) {
      values.put("porthole.jwks.ca-file", caFile.toString());
    }
    return Settings.of(values);
  }

  @Test
  void becomesReadyWithTheCaFileOfTheEnginesIssuer() throws Exception {
    try (ProxyApplication proxy = ProxyApplication.start(settings(engineCa.caCert()))) {
      AdminGet.Answer ready = awaitReadiness(proxy, "\"status\":\"UP\"");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.body()).contains("the 1 CA certificate in " + engineCa.caCert());
      assertThat(jwks.requests()).isEqualTo(1);
    }
  }

  @Test
  void staysUnreadyWithAnotherCasFileAndSaysWhy() throws Exception {
    Path other =
        DevPki.ensure(dir.resolve("other-ca"), ServiceIdentity.hostAgent("localhost:1")).caCert();
    try (ProxyApplication proxy = ProxyApplication.start(settings(other))) {
      AdminGet.Answer ready = awaitReadiness(proxy, "does not chain to");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body())
          .contains(
              "TLS: the server's certificate does not chain to the 1 CA certificate in " + other);
      assertThat(jwks.requests()).as("no request passed the handshake").isZero();
    }
  }

  @Test
  void staysUnreadyWithoutCaFileAndNamesTheKey() throws Exception {
    try (ProxyApplication proxy = ProxyApplication.start(settings(null))) {
      AdminGet.Answer ready = awaitReadiness(proxy, "does not chain to");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body())
          .contains("the JVM's default trust store")
          .contains("set porthole.jwks.ca-file");
      assertThat(jwks.requests()).isZero();
    }
  }

  /**
   * The readiness answer once its body holds {@code expected} (the prefetch runs on its thread).
   */
  private static AdminGet.Answer awaitReadiness(ProxyApplication proxy, String expected)
      throws Exception {
    String url = proxy.admin().url() + "/q/health/ready";
    long end = System.nanoTime() + WAIT.toNanos();
    AdminGet.Answer answer = AdminGet.get(url);
    while (!answer.body().contains(expected) && System.nanoTime() < end) {
      Thread.sleep(20);
      answer = AdminGet.get(url);
    }
    assertThat(answer.body()).as(url).contains(expected);
    return answer;
  }
}
