package org.porthole.engine.auth;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Points Quarkus OIDC at {@value KeycloakTrust#KEY} when it is set: a TLS configuration {@value
 * #NAME} trusting that PEM file, used for discovery, JWKS and token calls. Nothing when it is unset
 * (the JVM's default authorities), since Quarkus refuses a TLS configuration without certificates.
 * Its ordinal is below application.properties, so an explicit {@code quarkus.oidc.tls.*} wins.
 */
public final class KeycloakTlsConfig implements ConfigSourceFactory {

  /** The TLS configuration's name in the Quarkus TLS registry. */
  public static final String NAME = "keycloak";

  private static final int ORDINAL = 150;

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue caFile = context.getValue(KeycloakTrust.KEY);
    if (caFile == null || caFile.getValue() == null || caFile.getValue().isBlank()) {
      return List.of();
    }
    return List.of(
        new PropertiesConfigSource(
            properties(caFile.getValue()), "porthole-keycloak-tls", ORDINAL));
  }

  static Map<String, String> properties(String caFile) {
    return Map.of(
        "quarkus.oidc.tls.tls-configuration-name",
        NAME,
        "quarkus.tls." + NAME + ".protocols",
        "TLSv1.3,TLSv1.2",
        "quarkus.tls." + NAME + ".trust-store.pem.certs",
        caFile.strip());
  }
}
