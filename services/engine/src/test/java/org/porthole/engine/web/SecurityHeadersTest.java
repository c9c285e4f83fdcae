package org.porthole.engine.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecurityHeadersTest {

  @Test
  void policyAllowsOnlyTheEngineAndTheProxysWebSocketOrigin() {
    String policy = SecurityHeaders.policy("wss://proxy.example.org/v1/console");
    assertThat(policy)
        .contains(
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self' wss://proxy.example.org:443;",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'");
    assertThat(policy).doesNotContain("unsafe-inline", "unsafe-eval", "*");
  }

  @Test
  void refusesAProxyUrlWithoutAnOrigin() {
    assertThatThrownBy(() -> SecurityHeaders.policy("/v1/console"))
        .hasMessageContaining("porthole.proxy.url");
  }
}
