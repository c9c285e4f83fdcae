package org.porthole.nativeviewer.signin;

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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;

/**
 * The realm's public client {@code porthole-cli} at Keycloak: the device authorization grant (RFC
 * 8628) for signing in without a browser on this machine, refresh, and logout. Form posts only;
 * tokens never appear in a message or exception.
 */
public final class OidcClient {
  /** The realm's public client for command-line use. */
  public static final String CLIENT_ID = "porthole-cli";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  private final String realmUrl;
  private final HttpClient http;
  private final Clock clock;

  public OidcClient(String realmUrl, HttpClient http, Clock clock) {
    this.realmUrl =
        realmUrl.endsWith("/") ? realmUrl.substring(0, realmUrl.length() - 1) : realmUrl;
    this.http = http;
    this.clock = clock;
  }

  /**
   * What the user must do to sign in: open {@code verificationUri} and enter {@code userCode}.
   *
   * @param deviceCode secret; polled with, never shown
   */
  public record DeviceCode(
      String deviceCode,
      String userCode,
      String verificationUri,
      String verificationUriComplete,
      Duration expiresIn,
      Duration interval) {
    @Override
    public String toString() {
      return "DeviceCode[user code " + userCode + " at " + verificationUri + "]";
    }
  }

  /** Starts a device sign-in. */
  public DeviceCode startDeviceSignIn() {
    JsonNode n = post("/protocol/openid-connect/auth/device", Map.of("scope", "openid"));
    return new DeviceCode(
        n.path("device_code").asText(),
        n.path("user_code").asText(),
        n.path("verification_uri").asText(),
        n.path("verification_uri_complete").asText(n.path("verification_uri").asText()),
        Duration.ofSeconds(n.path("expires_in").asLong(600)),
        Duration.ofSeconds(Math.max(1, n.path("interval").asLong(5))));
  }

  /**
   * Polls until the user approved the device code (or refused, or it expired), waiting the server's
   * interval between polls and longer when told to slow down.
   */
  public OidcTokens awaitDeviceTokens(DeviceCode code) throws InterruptedException {
    Instant deadline = clock.instant().plus(code.expiresIn());
    Duration interval = code.interval();
    while (clock.instant().isBefore(deadline)) {
      Thread.sleep(interval.toMillis());
      HttpResponse<String> r =
          send(
              "/protocol/openid-connect/token",
              Map.of("grant_type", DEVICE_GRANT, "device_code", code.deviceCode()));
      JsonNode n = parse(r.body());
      if (r.statusCode() == 200) {
        return tokensOf(n);
      }
      String error = n.path("error").asText();
      switch (error) {
        case "authorization_pending" -> {}
        case "slow_down" -> interval = interval.plusSeconds(5);
        case "access_denied" ->
            throw new ViewerFailure(ExitCode.SIGN_IN, "the sign-in was refused in the browser");
        case "expired_token" -> throw expired();
        default ->
            throw new ViewerFailure(
                ExitCode.SIGN_IN, "the sign-in failed at " + realmUrl + ": " + clean(error));
      }
    }
    throw expired();
  }

  /** New tokens from a refresh token. */
  public OidcTokens refresh(OidcTokens tokens) {
    HttpResponse<String> r =
        send(
            "/protocol/openid-connect/token",
            Map.of("grant_type", "refresh_token", "refresh_token", tokens.refreshToken()));
    if (r.statusCode() != 200) {
      throw new ViewerFailure(
          ExitCode.SIGN_IN, "your sign-in has expired: run porthole-viewer login again");
    }
    return tokensOf(parse(r.body()));
  }

  /** Ends the sign-in session at Keycloak (best effort). */
  public void logout(OidcTokens tokens) {
    if (tokens.refreshToken() != null) {
      send("/protocol/openid-connect/logout", Map.of("refresh_token", tokens.refreshToken()));
    }
  }

  private OidcTokens tokensOf(JsonNode n) {
    Instant now = clock.instant();
    long refreshIn = n.path("refresh_expires_in").asLong(0);
    return new OidcTokens(
        realmUrl,
        n.path("access_token").asText(),
        now.plusSeconds(n.path("expires_in").asLong(60)),
        n.hasNonNull("refresh_token") ? n.path("refresh_token").asText() : null,
        refreshIn > 0 ? now.plusSeconds(refreshIn) : Instant.EPOCH);
  }

  private ViewerFailure expired() {
    return new ViewerFailure(
        ExitCode.SIGN_IN, "the sign-in code expired before it was used: run login again");
  }

  private JsonNode post(String path, Map<String, String> form) {
    HttpResponse<String> r = send(path, form);
    if (r.statusCode() != 200) {
      throw new ViewerFailure(
          ExitCode.SIGN_IN,
          "Keycloak at "
              + realmUrl
              + " refused the sign-in ("
              + r.statusCode()
              + " "
              + clean(parse(r.body()).path("error").asText())
              + ")");
    }
    return parse(r.body());
  }

  private HttpResponse<String> send(String path, Map<String, String> form) {
    Map<String, String> all = new LinkedHashMap<>(form);
    all.put("client_id", CLIENT_ID);
    String body =
        all.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(realmUrl + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ViewerFailure(
          ExitCode.SIGN_IN, "Keycloak at " + realmUrl + " cannot be reached: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ViewerFailure(ExitCode.FAILED, "interrupted", e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** An error word from a server, made safe to print (printable ASCII, at most 80 characters). */
  static String clean(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 80 ? printable.substring(0, 80) : printable;
  }
}
