package org.porthole.engine.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.porthole.token.JwksLocation;

/**
 * Stops the engine at start when {@code porthole.oidc.url} would let sign-in keys travel in clear
 * text across a network: Keycloak's discovery document and JWKS are fetched from there, and whoever
 * can swap those keys can sign in as anyone. https anywhere, http only on loopback (the one-machine
 * stack), as for console-token keys ({@link JwksLocation}). A private CA for Keycloak's https
 * ({@value KeycloakTrust#KEY}) must be readable and hold a certificate, or the engine does not
 * start.
 */
@ApplicationScoped
public class OidcKeySource {

  static final String KEY = "porthole.oidc.url";

  @ConfigProperty(name = KEY)
  String oidcUrl;

  @ConfigProperty(name = KeycloakTrust.KEY)
  Optional<String> caFile;

  void checkAtStart(@Observes StartupEvent event) {
    check(oidcUrl);
    KeycloakTrust.sslContext(caFile);
  }

  /**
   * @throws IllegalStateException naming {@value #KEY} when {@code url} may not serve keys
   */
  static void check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(KEY + " is not a URL: '" + url + "'");
    }
    JwksLocation.problem(uri)
        .ifPresent(
            reason -> {
              throw new IllegalStateException(KEY + " = '" + url + "' refused: " + reason);
            });
  }
}
