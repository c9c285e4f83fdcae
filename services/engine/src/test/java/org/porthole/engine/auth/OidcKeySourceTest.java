package org.porthole.engine.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OidcKeySourceTest {

  @Test
  void refusesSignInKeysOverPlainHttpFromAnotherMachine() {
    assertThatThrownBy(() -> OidcKeySource.check("http://keycloak.example:8180/realms/porthole"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("porthole.oidc.url")
        .hasMessageContaining("https");
    assertThatThrownBy(() -> OidcKeySource.check("::not a url"))
        .hasMessageContaining("porthole.oidc.url");
  }

  @Test
  void acceptsHttpsAndLoopbackHttp() {
    assertThatCode(() -> OidcKeySource.check("https://keycloak.example/realms/porthole"))
        .doesNotThrowAnyException();
    assertThatCode(() -> OidcKeySource.check("http://localhost:8180/realms/porthole"))
        .doesNotThrowAnyException();
    assertThatCode(() -> OidcKeySource.check("http://127.0.0.1:8180/realms/porthole"))
        .doesNotThrowAnyException();
  }
}
