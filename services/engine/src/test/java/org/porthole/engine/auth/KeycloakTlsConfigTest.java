package org.porthole.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeycloakTlsConfigTest {

  private static SmallRyeConfig config(Map<String, String> given) {
    return new SmallRyeConfigBuilder()
        .withSources(new PropertiesConfigSource(given, "given", 250))
        .withSources(new KeycloakTlsConfig())
        .build();
  }

  @Test
  void aCaFileMakesOidcTrustOnlyIt() {
    SmallRyeConfig c = config(Map.of(KeycloakTrust.KEY, "/etc/porthole/keycloak/ca.crt"));
    assertThat(c.getValue("quarkus.oidc.tls.tls-configuration-name", String.class))
        .isEqualTo("keycloak");
    assertThat(c.getValue("quarkus.tls.keycloak.trust-store.pem.certs", String.class))
        .isEqualTo("/etc/porthole/keycloak/ca.crt");
  }

  @Test
  void withoutOneOidcKeepsTheJvmDefaults() {
    SmallRyeConfig c = config(Map.of("porthole.oidc.url", "https://keycloak.example/realms/x"));
    assertThat(c.getOptionalValue("quarkus.oidc.tls.tls-configuration-name", String.class))
        .isEmpty();
    assertThat(c.getOptionalValue("quarkus.tls.keycloak.trust-store.pem.certs", String.class))
        .isEmpty();
  }
}
