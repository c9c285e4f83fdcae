package org.porthole.engine.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SsoConfigTest {

  @Test
  void derivesTheSsoPathFromTheConsolePath() {
    assertThat(SsoConfig.ssoUrlOf("wss://proxy.example:8443/v1/console", Optional.empty()))
        .isEqualTo("wss://proxy.example:8443/v1/sso");
  }

  @Test
  void aConfiguredSsoUrlWins() {
    assertThat(SsoConfig.ssoUrlOf("wss://p/v1/console", Optional.of("wss://q/sso")))
        .isEqualTo("wss://q/sso");
  }

  @Test
  void anotherProxyUrlWithoutTheKeyStopsTheEngineNamingIt() {
    assertThatThrownBy(() -> SsoConfig.ssoUrlOf("wss://p/console", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("porthole.proxy.sso-url");
    assertThatThrownBy(() -> SsoConfig.ssoUrlOf("wss://p/console", Optional.of(" ")))
        .hasMessageContaining("porthole.proxy.sso-url");
  }

  @Test
  void refusesAnUnknownDefaultDelegation() {
    assertThatThrownBy(() -> new SsoConfig("ws://p/v1/console", Optional.empty(), "sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("porthole.sso.delegation");
    assertThat(new SsoConfig("ws://p/v1/console", Optional.empty(), "never").defaultDelegation())
        .isEqualTo("never");
  }
}
