package org.porthole.stack.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few admin REST calls the stack and the tests make on a running Keycloak. A realm import does
 * not run what the admin console does when a Kerberos provider is added (turning the browser flow's
 * Kerberos step on), so it is done here: idempotent, and a no-op on later starts. Tests also
 * disable users, shorten token lifespans and get tokens by password grant.
 */
public final class KeycloakAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPNEGO_PROVIDER = "auth-spnego";
  private static final String ALTERNATIVE = "ALTERNATIVE";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  private KeycloakAdmin(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /**
   * Signs in as the master realm's bootstrap admin; the password goes only into the request body.
   */
  static KeycloakAdmin signIn(String base, String user, String password) throws IOException {
    JsonNode tokens = passwordGrant(base + "/realms/master", "admin-cli", user, password);
    return new KeycloakAdmin(base, tokens.path("access_token").asText());
  }

  /**
   * Tokens for {@code user} from {@code realmUrl}'s token endpoint by the password grant through
   * the public client {@code clientId} (the password goes only into the request body).
   *
   * @return the token response ({@code access_token}, {@code expires_in}, …)
   * @throws IOException when Keycloak is unreachable or refuses the grant (its HTTP status, never
   *     the password)
   */
  public static JsonNode passwordGrant(
      String realmUrl, String clientId, String user, String password) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String form =
        "grant_type=password&scope=openid&client_id="
            + encode(clientId)
            + "&username="
            + encode(user)
            + "&password="
            + encode(password);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> r = send(http, request);
    if (r.statusCode() != 200) {
      throw new IOException(
          "Keycloak refused the password grant for '"
              + user
              + "' through "
              + clientId
              + " with HTTP "
              + r.statusCode());
    }
    return JSON.readTree(r.body());
  }

  /**
   * Enables or disables {@code user} of {@code realm}, as an administrator does in the admin
   * console.
   */
  public void setUserEnabled(String realm, String user, boolean enabled) throws IOException {
    ObjectNode update = JSON.createObjectNode().put("enabled", enabled);
    expect2xx(
        send(
            http,
            jsonBody(authorized(usersUrl(realm) + "/" + encode(userId(realm, user))), update)
                .build()),
        (enabled ? "enabling" : "disabling") + " user '" + user + "'");
  }

  /** Adds {@code user} to the top-level group {@code group} of {@code realm}. */
  public void joinGroup(String realm, String user, String group) throws IOException {
    expect2xx(
        send(
            http,
            authorized(membershipUrl(realm, user, group))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build()),
        "adding '" + user + "' to group '" + group + "'");
  }

  /** Removes {@code user} from the top-level group {@code group} of {@code realm}. */
  public void leaveGroup(String realm, String user, String group) throws IOException {
    expect2xx(
        send(http, authorized(membershipUrl(realm, user, group)).DELETE().build()),
        "removing '" + user + "' from group '" + group + "'");
  }

  private String usersUrl(String realm) {
    return base + "/admin/realms/" + realm + "/users";
  }

  private String membershipUrl(String realm, String user, String group) throws IOException {
    return usersUrl(realm)
        + "/"
        + encode(userId(realm, user))
        + "/groups/"
        + encode(groupId(realm, group));
  }

  private String userId(String realm, String user) throws IOException {
    HttpResponse<String> found =
        send(
            http,
            authorized(usersUrl(realm) + "?exact=true&username=" + encode(user)).GET().build());
    expect2xx(found, "finding user '" + user + "'");
    for (JsonNode candidate : JSON.readTree(found.body())) {
      if (user.equalsIgnoreCase(candidate.path("username").asText())) {
        return candidate.path("id").asText();
      }
    }
    throw new IOException("Keycloak: realm '" + realm + "' has no user '" + user + "'");
  }

  private String groupId(String realm, String group) throws IOException {
    HttpResponse<String> found =
        send(
            http,
            authorized(
                    base + "/admin/realms/" + realm + "/groups?exact=true&search=" + encode(group))
                .GET()
                .build());
    expect2xx(found, "finding group '" + group + "'");
    for (JsonNode candidate : JSON.readTree(found.body())) {
      if (group.equals(candidate.path("name").asText())) {
        return candidate.path("id").asText();
      }
    }
    throw new IOException("Keycloak: realm '" + realm + "' has no group '" + group + "'");
  }

  /**
   * Sets how long {@code realm}'s access tokens live, for every client that does not override it.
   */
  public void setAccessTokenLifespan(String realm, int seconds) throws IOException {
    ObjectNode update = JSON.createObjectNode().put("accessTokenLifespan", seconds);
    expect2xx(
        send(http, jsonBody(authorized(base + "/admin/realms/" + realm), update).build()),
        "setting the access token lifespan of realm '" + realm + "'");
  }

  private static HttpRequest.Builder jsonBody(HttpRequest.Builder request, JsonNode body)
      throws IOException {
    return request
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
  }

  private static void expect2xx(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() / 100 != 2) {
      throw new IOException("Keycloak: " + what + " gave HTTP " + r.statusCode() + ": " + r.body());
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * Makes Kerberos (SPNEGO) an alternative step of {@code realm}'s browser flow; true when changed.
   */
  boolean enableKerberosInBrowserFlow(String realm) throws IOException {
    String url = base + "/admin/realms/" + realm + "/authentication/flows/browser/executions";
    HttpResponse<String> list = send(http, authorized(url).GET().build());
    if (list.statusCode() != 200) {
      throw new IOException(
          "Keycloak: listing the browser flow of realm '"
              + realm
              + "' gave HTTP "
              + list.statusCode());
    }
    for (JsonNode execution : JSON.readTree(list.body())) {
      if (!SPNEGO_PROVIDER.equals(execution.path("providerId").asText())) {
        continue;
      }
      if (ALTERNATIVE.equals(execution.path("requirement").asText())) {
        return false;
      }
      ObjectNode update = execution.deepCopy();
      update.put("requirement", ALTERNATIVE);
      expect2xx(
          send(http, jsonBody(authorized(url), update).build()),
          "enabling Kerberos in the browser flow");
      return true;
    }
    throw new IOException(
        "Keycloak: realm '" + realm + "' has no " + SPNEGO_PROVIDER + " step in its browser flow");
  }

  private HttpRequest.Builder authorized(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request)
      throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling Keycloak", e);
    }
  }
}
