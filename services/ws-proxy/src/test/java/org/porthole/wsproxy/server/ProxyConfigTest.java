package org.porthole.wsproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.token.JwksTrust;

class ProxyConfigTest {

  @Test
  void usesDocumentedDefaults() {
    ProxyConfig config = ProxyConfig.from(Settings.of(Map.of()));

    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8081);
    assertThat(config.allowedOrigins())
        .isEqualTo(Set.of("http://localhost:8080", "http://127.0.0.1:8080"));
    assertThat(config.maxFrameBytes()).isEqualTo(262144);
    assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.jwksUrl().toString()).isEqualTo("http://127.0.0.1:8080/api/v1/jwks");
    assertThat(config.issuer()).isEqualTo("porthole-engine");
    assertThat(config.audience()).isEqualTo("porthole-console");
    assertThat(config.tls()).isFalse();
  }

  @Test
  void readsEveryKey() {
    ProxyConfig config =
        ProxyConfig.from(
            Settings.of(
                Map.of(
                    "porthole.proxy.bind",
                    "0.0.0.0",
                    "porthole.proxy.port",
                    "9000",
                    "porthole.proxy.allowed-origins",
                    "https://a.example, https://b.example",
                    "porthole.proxy.max-frame-bytes",
                    "65536",
                    "porthole.proxy.ping-seconds",
                    "5",
                    "porthole.jwks.url",
                    "https://engine.example/api/v1/jwks",
                    "porthole.proxy.tls-cert",
                    "/etc/p/cert.pem",
                    "porthole.proxy.tls-key",
                    "/etc/p/key.pem")));

    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.allowedOrigins())
        .containsExactlyInAnyOrder("https://a.example", "https://b.example");
    assertThat(config.maxFrameBytes()).isEqualTo(65536);
    assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.tlsCert()).contains(Path.of("/etc/p/cert.pem"));
    assertThat(config.tls()).isTrue();
  }

  @Test
  void refusesBadValuesNamingTheKey() {
    assertThatThrownBy(() -> ProxyConfig.from(Settings.of(Map.of("porthole.proxy.port", "http"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.proxy.port");
    assertThatThrownBy(
            () -> ProxyConfig.from(Settings.of(Map.of("porthole.proxy.max-frame-bytes", "10"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.proxy.max-frame-bytes");
    assertThatThrownBy(
            () -> ProxyConfig.from(Settings.of(Map.of("porthole.proxy.ping-seconds", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.proxy.ping-seconds");
    assertThatThrownBy(
            () -> ProxyConfig.from(Settings.of(Map.of("porthole.jwks.url", "file:///etc/passwd"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.jwks.url");
    assertThatThrownBy(
            () -> ProxyConfig.from(Settings.of(Map.of("porthole.jwks.url", "::not a url"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.jwks.url");
  }

  @Test
  void refusesJwksOverPlainHttpFromAnotherMachine() {
    assertThatThrownBy(
            () ->
                ProxyConfig.from(
                    Settings.of(
                        Map.of("porthole.jwks.url", "http://engine.example:8080/api/v1/jwks"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.jwks.url")
        .hasMessageContaining("https");
  }

  @Test
  void refusesTlsCertWithoutKey() {
    assertThatThrownBy(
            () -> ProxyConfig.from(Settings.of(Map.of("porthole.proxy.tls-cert", "/c.pem"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.proxy.tls-key");
  }

  @Test
  void trustsOnlyTheJwksCaFileWhenSet(@TempDir Path dir) {
    TlsFiles pki = DevPki.ensure(dir, ServiceIdentity.wsProxy());
    assertThat(ProxyConfig.from(Settings.of(Map.of())).jwksTrust())
        .isSameAs(JwksTrust.systemDefault());
    ProxyConfig config =
        ProxyConfig.from(Settings.of(Map.of("porthole.jwks.ca-file", pki.caCert().toString())));
    assertThat(config.jwksTrust().anchors()).isEqualTo(1);
    assertThat(config.jwksTrust().description()).contains(pki.caCert().toString());
  }

  @Test
  void refusesMissingJwksCaFileNamingKeyAndPath(@TempDir Path dir) {
    Path missing = dir.resolve("ca.crt");
    assertThatThrownBy(
            () ->
                ProxyConfig.from(Settings.of(Map.of("porthole.jwks.ca-file", missing.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.jwks.ca-file (env PORTHOLE_JWKS_CA_FILE)")
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void refusesPrivateKeyAsJwksCaFileWithoutPrintingIt(@TempDir Path dir) throws IOException {
    Path key = DevPki.ensure(dir, ServiceIdentity.wsProxy()).privateKey();
    String body = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").trim();
    assertThatThrownBy(
            () -> ProxyConfig.from(Settings.of(Map.of("porthole.jwks.ca-file", key.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.jwks.ca-file")
        .hasMessageContaining(key.toString())
        .hasMessageContaining("private key")
        .hasMessageNotContaining(body.substring(40, 60));
  }
}
