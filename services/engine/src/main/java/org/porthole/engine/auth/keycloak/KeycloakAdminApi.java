package org.porthole.engine.auth.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.porthole.engine.auth.UserDirectory.DirectoryUnavailableException;

/**
 * The few reads of Keycloak's admin REST API that the directory needs, made with the engine
 * client's service account (client credentials grant; the realm gives it only view-users,
 * query-users and query-groups). Every failure — refused connection, timeout, an HTTP error, a
 * refused grant — is a {@link DirectoryUnavailableException}; the client secret and the access
 * token never appear in one.
 */
final class KeycloakAdminApi {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

  /** Renew the service account's token this long before Keycloak says it expires. */
  private static final Duration TOKEN_MARGIN = Duration.ofSeconds(10);

  private static final int MAX_USERS = 20;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http;
  private final URI tokenEndpoint;
  private final String adminBase;
  private final String clientId;
  private final String clientSecret;
  private final Clock clock;
  private String token;
  private Instant tokenRenewAt = Instant.MIN;

  /**
   * @param realmUrl the realm's issuer URL, {@code http://host:port/realms/NAME}
   * @param tls whom to trust over https ({@link org.porthole.engine.auth.KeycloakTrust}); empty:
   *     the JVM's default authorities
   */
  KeycloakAdminApi(
      String realmUrl,
      String clientId,
      String clientSecret,
      Clock clock,
      Optional<SSLContext> tls) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
    String realm = realmUrl.endsWith("/") ? realmUrl.substring(0, realmUrl.length() - 1) : realmUrl;
    int at = realm.lastIndexOf("/realms/");
    if (at < 0) {
      throw new IllegalArgumentException(
          "porthole.oidc.url must be a Keycloak realm URL (…/realms/NAME)");
    }
    this.tokenEndpoint = URI.create(realm + "/protocol/openid-connect/token");
    this.adminBase = realm.substring(0, at) + "/admin" + realm.substring(at);
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.clock = clock;
  }

  /** Users found by {@code search}, a query string such as {@code username=alice&exact=true}. */
  List<JsonNode> users(String search) {
    JsonNode found = get("/users?briefRepresentation=false&max=" + MAX_USERS + "&" + search);
    List<JsonNode> users = new ArrayList<>();
    found.forEach(users::add);
    return users;
  }

  /** The names of the groups a user belongs to directly. */
  Set<String> groupNames(String userId) {
    Set<String> names = new LinkedHashSet<>();
    get("/users/" + encode(userId) + "/groups?briefRepresentation=true")
        .forEach(g -> names.add(g.path("name").asText()));
    return names;
  }

  /** The user's realm roles, those given through groups and composite roles included. */
  Set<String> effectiveRealmRoles(String userId) {
    Set<String> names = new LinkedHashSet<>();
    get("/users/" + encode(userId) + "/role-mappings/realm/composite")
        .forEach(r -> names.add(r.path("name").asText()));
    return names;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private JsonNode get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(adminBase + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + serviceToken())
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() == 401) {
      forgetToken();
    }
    if (response.statusCode() != 200) {
      throw new DirectoryUnavailableException(
          "Keycloak admin API answered HTTP " + response.statusCode(), null);
    }
    return parse(response.body());
  }

  private synchronized void forgetToken() {
    token = null;
    tokenRenewAt = Instant.MIN;
  }

  private synchronized String serviceToken() {
    Instant now = clock.instant();
    if (token != null && now.isBefore(tokenRenewAt)) {
      return token;
    }
    String form =
        "grant_type=client_credentials&client_id="
            + encode(clientId)
            + "&client_secret="
            + encode(clientSecret);
    HttpRequest request =
        HttpRequest.newBuilder(tokenEndpoint)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 200) {
      throw new DirectoryUnavailableException(
          "Keycloak refused the engine's service account (HTTP " + response.statusCode() + ")",
          null);
    }
    JsonNode body = parse(response.body());
    token = body.path("access_token").asText();
    long lifetime = body.path("expires_in").asLong(60);
    tokenRenewAt = now.plusSeconds(lifetime).minus(TOKEN_MARGIN);
    return token;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DirectoryUnavailableException(
          "Keycloak unreachable: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DirectoryUnavailableException("interrupted while asking Keycloak", e);
    }
  }

  private JsonNode parse(String body) {
    try {
      return json.readTree(body);
    } catch (IOException e) {
      throw new DirectoryUnavailableException("Keycloak answered malformed JSON", e);
    }
  }
}
