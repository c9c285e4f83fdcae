package org.porthole.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The engine's REST API as a client outside the system sees it. */
final class EngineApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  EngineApi(String engineUrl) {
    this.base = engineUrl + "/api/v1";
  }

  /** A console ticket as the engine hands it to a viewer. */
  record Ticket(String sessionId, String vmId, String token, String password, String proxyUrl) {}

  /** A raw answer, for bad-input tests. */
  record Answer(int status, String body) {}

  Ticket openConsole(String vmId) throws IOException {
    Answer a = send("POST", "/vms/" + vmId + "/consoles", "{}");
    if (a.status() != 201) {
      throw new IOException("POST consoles answered " + a.status() + ": " + a.body());
    }
    JsonNode n = JSON.readTree(a.body());
    return new Ticket(n.path("sessionId").asText(), n.path("vmId").asText(), n.path("token").asText(),
        n.path("password").asText(), n.path("proxyUrl").asText());
  }

  String sessionState(String sessionId) throws IOException {
    Answer a = send("GET", "/consoles/" + sessionId, null);
    if (a.status() != 200) {
      throw new IOException("GET console answered " + a.status() + ": " + a.body());
    }
    return JSON.readTree(a.body()).path("state").asText();
  }

  JsonNode json(String path) throws IOException {
    Answer a = send("GET", path, null);
    if (a.status() != 200) {
      throw new IOException("GET " + path + " answered " + a.status() + ": " + a.body());
    }
    return JSON.readTree(a.body());
  }

  Answer send(String method, String path, String body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
