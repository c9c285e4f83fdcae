package org.porthole.engine.it;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.keycloak.KeycloakAdmin;

/**
 * Acting as a user in engine ITs: {@code SignIn.as("alice")} is a request signed in as alice with a
 * bearer token from the real Keycloak (password grant through the public client {@code
 * porthole-cli}, demo passwords of {@link Kdc#DEMO_USERS}); {@code SignIn.anonymous()} sends no
 * credentials. Every other RestAssured request is signed in as {@code admin} by a default filter,
 * so ITs written before sign-in keep working.
 *
 * <p>Tokens are cached per user and renewed shortly before they expire; while Keycloak cannot issue
 * one (a test stopped it), the last token is used as it is.
 */
public final class SignIn {

  /** The user every request without its own credentials is signed in as. */
  public static final String DEFAULT_USER = "admin";

  /** The public client tests and the CLI sign in through. */
  public static final String CLIENT = "porthole-cli";

  /** A request header that only the default filter sees: it removes it and adds no credentials. */
  private static final String ANONYMOUS = "X-Porthole-It-Anonymous";

  private static final Duration RENEW_BEFORE = Duration.ofSeconds(15);

  private record Token(String value, Instant expiresAt) {}

  private static final Map<String, Token> TOKENS = new ConcurrentHashMap<>();
  private static volatile String realmUrl;

  private SignIn() {}

  /** Points sign-in at the realm and installs the default filter (once per test JVM). */
  static synchronized void install(String keycloakRealmUrl) {
    realmUrl = Objects.requireNonNull(keycloakRealmUrl, "realm URL");
    TOKENS.clear();
    RestAssured.filters(new AdminByDefault());
  }

  /** A request signed in as {@code user} (one of the demo users). */
  public static RequestSpecification as(String user) {
    return given().header("Authorization", "Bearer " + token(user));
  }

  /** A request with no credentials at all. */
  public static RequestSpecification anonymous() {
    return given().header(ANONYMOUS, "1");
  }

  /** A current access token for {@code user}, from the cache or a fresh password grant. */
  public static String token(String user) {
    Token cached = TOKENS.get(user);
    if (cached != null && Instant.now().isBefore(cached.expiresAt().minus(RENEW_BEFORE))) {
      return cached.value();
    }
    try {
      Token fresh = grant(user);
      TOKENS.put(user, fresh);
      return fresh.value();
    } catch (IOException e) {
      if (cached != null) {
        return cached.value();
      }
      throw new IllegalStateException("cannot sign in as " + user + ": " + e.getMessage(), e);
    }
  }

  /** A new token for {@code user}, not cached (a test that needs one issued at a given moment). */
  public static String freshToken(String user) {
    try {
      return grant(user).value();
    } catch (IOException e) {
      throw new IllegalStateException("cannot sign in as " + user + ": " + e.getMessage(), e);
    }
  }

  private static Token grant(String user) throws IOException {
    String password = Kdc.DEMO_USERS.get(user);
    if (password == null) {
      throw new IllegalArgumentException(
          "no demo user " + user + " (known: " + Kdc.DEMO_USERS.keySet() + ")");
    }
    if (realmUrl == null) {
      throw new IllegalStateException(
          "SignIn has no Keycloak: the test must run with StackResource");
    }
    JsonNode tokens = KeycloakAdmin.passwordGrant(realmUrl, CLIENT, user, password);
    return new Token(
        tokens.path("access_token").asText(),
        Instant.now().plusSeconds(tokens.path("expires_in").asLong(60)));
  }

  /** Adds the default user's bearer token to requests that carry no Authorization of their own. */
  private static final class AdminByDefault implements Filter {
    @Override
    public Response filter(
        FilterableRequestSpecification request,
        FilterableResponseSpecification response,
        FilterContext context) {
      if (request.getHeaders().hasHeaderWithName(ANONYMOUS)) {
        request.removeHeader(ANONYMOUS);
      } else if (!request.getHeaders().hasHeaderWithName("Authorization")) {
        request.header("Authorization", "Bearer " + token(DEFAULT_USER));
      }
      return context.next(request, response);
    }
  }
}
