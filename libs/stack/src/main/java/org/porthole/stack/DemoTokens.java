package org.porthole.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Access tokens for the demo users, as a command-line client gets them: the password grant of
 * the realm's public client {@code porthole-cli}, whose audience mapper puts {@code porthole-engine}
 * in {@code aud}. For the stack's own set-up calls and for tests; a person uses the page or kinit.
 */
public final class DemoTokens {
  /** The realm's public client for command-line use (direct access grants on). */
  public static final String CLI_CLIENT = "porthole-cli";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private DemoTokens() {}

  /** A fresh access token for a demo user ({@link Kdc#DEMO_USERS} knows the passwords). */
  public static String accessToken(String realmUrl, String user) throws IOException {
    String password = Kdc.DEMO_USERS.get(user);
    if (password == null) {
      throw new IllegalArgumentException("not a demo user: " + user + " (demo users: " + Kdc.DEMO_USERS.keySet() + ")");
    }
    return accessToken(realmUrl, user, password);
  }

  /** A fresh access token by the password grant; the password goes only into the request body. */
  public static String accessToken(String realmUrl, String user, String password) throws IOException {
    String form = "grant_type=password&client_id=" + CLI_CLIENT + "&scope=openid"
        + "&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<String> r;
    try {
      r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking Keycloak for a token", e);
    }
    JsonNode body = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    if (body == null || !body.path("access_token").isTextual()) {
      throw new IOException("Keycloak refused a token for '" + user + "' with HTTP " + r.statusCode()
          + (r.statusCode() == 200 ? "" : ": " + errorOf(r.body())));
    }
    return body.path("access_token").asText();
  }

  /** Keycloak's error code and description (never a token: error answers carry none). */
  private static String errorOf(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n.path("error").asText("?") + " " + n.path("error_description").asText("");
    } catch (IOException e) {
      return "(not JSON)";
    }
  }
}
