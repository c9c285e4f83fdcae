package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;

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
    assertThatThrownBy(() -> AgentConfig.from(Settings.of(Map.of("porthole.jwks.url", "file:///etc/jwks"))))
        .hasMessageContaining("porthole.jwks.url");
    assertThatThrownBy(() -> AgentConfig.from(Settings.of(Map.of("porthole.jwks.url", "http://[bad"))))
        .hasMessageContaining("porthole.jwks.url");
  }
}
