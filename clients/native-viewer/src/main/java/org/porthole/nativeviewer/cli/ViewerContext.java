package org.porthole.nativeviewer.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.porthole.nativeviewer.engine.EngineClient;
import org.porthole.nativeviewer.signin.EngineAuthorization;
import org.porthole.nativeviewer.signin.Negotiate;
import org.porthole.nativeviewer.signin.OidcClient;
import org.porthole.nativeviewer.signin.StoredBearer;
import org.porthole.nativeviewer.signin.TokenStore;

/**
 * What every command shares: where the engine and Keycloak are, the user's token store, the
 * streams, and how requests are signed (stored OIDC tokens when present, else Kerberos).
 */
final class ViewerContext {
  static final String DEFAULT_ENGINE = "http://localhost:8080";
  static final String DEFAULT_REALM = "http://localhost:8180/realms/porthole";

  final PrintStream out;
  final PrintStream err;
  final Map<String, String> env;
  final Clock clock = Clock.systemUTC();
  final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private String engineUrl;
  private String realmUrl;

  ViewerContext(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  void configure(String engineOption, String realmOption) {
    this.engineUrl = pick(engineOption, "PORTHOLE_ENGINE_URL", DEFAULT_ENGINE);
    this.realmUrl = pick(realmOption, "PORTHOLE_OIDC_URL", DEFAULT_REALM);
  }

  private String pick(String option, String envKey, String fallback) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String fromEnv = env.get(envKey);
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback;
  }

  String engineUrl() {
    return engineUrl;
  }

  TokenStore store() {
    return new TokenStore(TokenStore.defaultDir(env));
  }

  OidcClient oidc(String realm) {
    return new OidcClient(realm, http, clock);
  }

  OidcClient oidc() {
    return oidc(realmUrl);
  }

  /** Kerberos for the engine's host name. */
  EngineAuthorization kerberos() {
    return new Negotiate(URI.create(engineUrl).getHost());
  }

  /** Stored OIDC tokens when the user signed in by device flow, else Kerberos. */
  EngineAuthorization authorization() {
    TokenStore store = store();
    if (store.load().isPresent()) {
      return new StoredBearer(store, this::oidc, clock);
    }
    return kerberos();
  }

  EngineClient engine(EngineAuthorization auth) {
    return new EngineClient(engineUrl, auth, http);
  }

  EngineClient engine() {
    return engine(authorization());
  }
}
