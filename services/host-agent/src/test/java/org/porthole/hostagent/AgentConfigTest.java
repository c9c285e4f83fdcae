package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.token.JwksTrust;

class AgentConfigTest {

  @Test
  void defaultsFollowTheContract() {
    AgentConfig c = AgentConfig.from(Settings.of(Map.of()));
    assertThat(c.libvirtUri()).isEqualTo("qemu:///system");
    assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(9443);
    assertThat(c.hostId()).isEqualTo("localhost:9443");
    assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:59092");
    assertThat(c.jwksUrl()).hasToString("http://127.0.0.1:8080/api/v1/jwks");
    assertThat(c.tokenIssuer()).isEqualTo("porthole-engine");
    assertThat(c.tokenAudience()).isEqualTo("porthole-console");
  }

  @Test
  void hostIdDefaultsToLocalhostAndTheConfiguredPort() {
    AgentConfig c = AgentConfig.from(Settings.of(Map.of("porthole.agent.port", "19443")));
    assertThat(c.hostId()).isEqualTo("localhost:19443");
  }

  @Test
  void rejectsBadPortNamingTheKey() {
    assertThatThrownBy(() -> AgentConfig.from(Settings.of(Map.of("porthole.agent.port", "99999"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.agent.port");
    assertThatThrownBy(() -> AgentConfig.from(Settings.of(Map.of("porthole.agent.port", "abc"))))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void rejectsJwksUrlThatIsNotHttp() {
    assertThatThrownBy(
            () -> AgentConfig.from(Settings.of(Map.of("porthole.jwks.url", "file:///etc/jwks"))))
        .hasMessageContaining("porthole.jwks.url");
    assertThatThrownBy(
            () -> AgentConfig.from(Settings.of(Map.of("porthole.jwks.url", "http://[bad"))))
        .hasMessageContaining("porthole.jwks.url");
  }

  @Test
  void refusesHostIdItsCertificateCannotName() {
    for (String id : new String[] {"kvm1", "kvm_1:9443", "kvm1:0", "a b:1"}) {
      assertThatThrownBy(() -> AgentConfig.from(Settings.of(Map.of("porthole.agent.host-id", id))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("porthole.agent.host-id");
    }
  }

  @Test
  void refusesJwksOverPlainHttpFromAnotherMachine() {
    assertThatThrownBy(
            () ->
                AgentConfig.from(
                    Settings.of(
                        Map.of("porthole.jwks.url", "http://engine.example:8080/api/v1/jwks"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.jwks.url")
        .hasMessageContaining("https");
    assertThat(
            AgentConfig.from(
                    Settings.of(Map.of("porthole.jwks.url", "https://engine.example/api/v1/jwks")))
                .jwksUrl())
        .hasToString("https://engine.example/api/v1/jwks");
  }

  private static final String KAFKA = "porthole.kafka.bootstrap";

  @Test
  void realAgentPublishesEvents() {
    AgentConfig c = AgentConfig.from(Settings.of(Map.of()));
    assertThat(c.publishesEvents()).isTrue();
    assertThat(c.maxConsoles()).isEqualTo(20_000);
  }

  @Test
  void refusesSilencedEventsOnARealAgent() {
    assertThat(AgentConfig.from(Settings.of(Map.of(KAFKA, "none"))).publishesEvents()).isFalse();
    assertThatThrownBy(() -> HostAgent.start(Settings.of(Map.of(KAFKA, "none"))))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(KAFKA))
        .hasMessageContaining("must publish its events");
  }

  @Test
  void maxConsolesIsConfigurableWithinBounds() {
    assertThat(
            AgentConfig.from(Settings.of(Map.of("porthole.agent.max-consoles", "7"))).maxConsoles())
        .isEqualTo(7);
    assertThatThrownBy(
            () -> AgentConfig.from(Settings.of(Map.of("porthole.agent.max-consoles", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("porthole.agent.max-consoles");
  }

  @Test
  void trustsOnlyTheJwksCaFileWhenSet(@TempDir Path dir) {
    TlsFiles pki = DevPki.ensure(dir, ServiceIdentity.hostAgent("kvm1:9443"));
    assertThat(AgentConfig.from(Settings.of(Map.of())).jwksTrust())
        .isSameAs(JwksTrust.systemDefault());
    AgentConfig c =
        AgentConfig.from(Settings.of(Map.of("porthole.jwks.ca-file", pki.caCert().toString())));
    assertThat(c.jwksTrust().anchors()).isEqualTo(1);
  }

  @Test
  void refusesJwksCaFileThatHoldsNoCertificateNamingKeyAndPath(@TempDir Path dir)
      throws IOException {
    Path empty = Files.createFile(dir.resolve("ca.crt"));
    Path garbage = Files.writeString(dir.resolve("garbage.crt"), "not a certificate");
    Path key = DevPki.ensure(dir.resolve("pki"), ServiceIdentity.wsProxy()).privateKey();
    String keyBody = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").trim();
    for (Path file : List.of(empty, garbage, key, dir.resolve("missing.crt"))) {
      assertThatThrownBy(
              () -> AgentConfig.from(Settings.of(Map.of("porthole.jwks.ca-file", file.toString()))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("porthole.jwks.ca-file (env PORTHOLE_JWKS_CA_FILE)")
          .hasMessageContaining("'" + file + "' refused: ")
          .hasMessageNotContaining(keyBody.substring(40, 60));
    }
  }
}
