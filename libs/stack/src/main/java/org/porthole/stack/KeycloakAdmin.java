package org.porthole.stack;

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
 * The few admin REST calls the stack makes after Keycloak starts. A realm import does not run
 * what the admin console does when a Kerberos provider is added (turning the browser flow's
 * Kerberos step on), so it is done here: idempotent, and a no-op on later starts.
 */
final class KeycloakAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPNEGO_PROVIDER = "auth-spnego";
  private static final String ALTERNATIVE = "ALTERNATIVE";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  private KeycloakAdmin(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Signs in as the master realm's bootstrap admin; the password goes only into the request body. */
  static KeycloakAdmin signIn(String base, String user, String password) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String form = "grant_type=password&client_id=admin-cli&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<String> r = send(http, request);
    if (r.statusCode() != 200) {
      throw new IOException("Keycloak admin sign-in as '" + user + "' refused with HTTP " + r.statusCode());
    }
    return new KeycloakAdmin(base, JSON.readTree(r.body()).path("access_token").asText());
  }

  /** Makes Kerberos (SPNEGO) an alternative step of {@code realm}'s browser flow; true when changed. */
  boolean enableKerberosInBrowserFlow(String realm) throws IOException {
    String url = base + "/admin/realms/" + realm + "/authentication/flows/browser/executions";
    HttpResponse<String> list = send(http, authorized(url).GET().build());
    if (list.statusCode() != 200) {
      throw new IOException("Keycloak: listing the browser flow of realm '" + realm + "' gave HTTP " + list.statusCode());
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
      HttpResponse<String> put = send(http, authorized(url).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(update))).build());
      if (put.statusCode() / 100 != 2) {
        throw new IOException("Keycloak: enabling Kerberos in the browser flow gave HTTP " + put.statusCode()
            + ": " + put.body());
      }
      return true;
    }
    throw new IOException("Keycloak: realm '" + realm + "' has no " + SPNEGO_PROVIDER + " step in its browser flow");
  }

  private HttpRequest.Builder authorized(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling Keycloak", e);
    }
  }
}
