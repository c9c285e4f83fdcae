package org.porthole.testsupport.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's REST API as a client outside the system sees it: signed in as one user with a bearer
 * token from the identity provider, fetched again before it expires. Thread-safe.
 */
public final class EngineClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Keycloak's tokens live 5 min in the shipped realm; take a new one well before. */
  private static final Duration TOKEN_REUSE = Duration.ofMinutes(3);

  /**
   * How long {@link #ticketWhenFree} and {@link #awaitHeldOnlyBy(String, String)} wait for a
   * console held elsewhere to end.
   */
  private static final Duration FREE_WAIT = Duration.ofSeconds(150);

  private final String base;
  private final BearerSource bearers;
  private final String user;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String token;
  private Instant tokenTaken = Instant.EPOCH;

  /** Where a client gets a user's bearer token (e.g. a password grant at Keycloak). */
  @FunctionalInterface
  public interface BearerSource {
    String token(String user) throws IOException;
  }

  private EngineClient(String engineUrl, String user, BearerSource bearers) {
    this.base = engineUrl + "/api/v1";
    this.bearers = bearers;
    this.user = user;
  }

  /** The API of the engine at {@code engineUrl} (no trailing slash) as {@code user}. */
  public static EngineClient as(String engineUrl, String user, BearerSource bearers) {
    return new EngineClient(engineUrl, user, bearers);
  }

  /** The user this client signs in as. */
  public String user() {
    return user;
  }

  private synchronized String bearer() throws IOException {
    if (token == null || Instant.now().isAfter(tokenTaken.plus(TOKEN_REUSE))) {
      token = bearers.token(user);
      tokenTaken = Instant.now();
    }
    return token;
  }

  /**
   * A console ticket as the engine hands it to a viewer: a signed token and where to use it, never
   * a VNC password.
   *
   * @param body the whole answer, for tests of what a user receives
   */
  public record Ticket(
      String sessionId,
      String vmId,
      String token,
      String proxyUrl,
      int reconnectWindowSeconds,
      JsonNode body) {}

  /** A raw answer, for bad-input tests. */
  public record Answer(int status, String body) {}

  public Ticket openConsole(String vmId) throws IOException {
    return ticketOf(send("POST", "/vms/" + vmId + "/consoles", "{}"));
  }

  /**
   * Asks for a ticket in {@code mode} ({@code interactive} or {@code view}), taking over when told
   * to.
   */
  public Answer requestConsole(String vmId, String mode, boolean takeover) throws IOException {
    return send(
        "POST",
        "/vms/" + vmId + "/consoles",
        "{\"mode\":\"" + mode + "\"" + (takeover ? ",\"takeover\":true" : "") + "}");
  }

  /**
   * A ticket in {@code mode}, waiting while a console another test left behind still holds the VM
   * (its ticket lives at most 120 s) or a console limit answers 429 (sessions still closing).
   */
  public Ticket ticketWhenFree(String vmId, String mode) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(FREE_WAIT);
    while (true) {
      Answer a = requestConsole(vmId, mode, false);
      boolean held = (a.status() == 403 || a.status() == 409) && a.body().contains("held by");
      boolean limited = a.status() == 429;
      if (!(held || limited) || Instant.now().isAfter(deadline)) {
        return ticketOf(a);
      }
      Thread.sleep(limited ? 200 : 1000);
    }
  }

  /**
   * Waits (this client must be porthole-admin) until no user but {@code user} holds the console of
   * VM {@code vmId}: no one else's interactive session is connected or issued and unexpired. Unlike
   * {@link #ticketWhenFree} it leaves no ticket behind: an unused ticket holds the VM for its whole
   * lifetime and would block the next test's other user.
   */
  public void awaitHeldOnlyBy(String vmId, String user) throws IOException, InterruptedException {
    awaitHeldOnlyBy(vmId, user, FREE_WAIT);
  }

  /** {@link #awaitHeldOnlyBy(String, String)}, failing after {@code limit}. */
  public void awaitHeldOnlyBy(String vmId, String user, Duration limit)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      List<String> holders = new ArrayList<>();
      Instant now = Instant.now();
      for (JsonNode s : json("/consoles?limit=500")) {
        boolean other =
            vmId.equals(s.path("vmId").asText())
                && "interactive".equals(s.path("mode").asText())
                && !user.equals(s.path("owner").asText());
        String state = s.path("state").asText();
        boolean live =
            "connected".equals(state)
                || ("issued".equals(state)
                    && Instant.parse(s.path("expiresAt").asText()).isAfter(now));
        if (other && live) {
          holders.add(s.path("owner").asText() + " (" + state + ")");
        }
      }
      if (holders.isEmpty()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("VM " + vmId + " is still held by " + holders + " after " + limit);
      }
      Thread.sleep(500);
    }
  }

  /**
   * Grants {@code user} {@code permission} on VM {@code vmId} (as an admin); returns the ACL
   * entry's id.
   */
  public String grant(String user, String vmId, String permission) throws IOException {
    String body =
        "{\"subjectKind\":\"user\",\"subject\":\""
            + user
            + "\",\"objectKind\":\"vm\",\"object\":\""
            + vmId
            + "\",\"permission\":\""
            + permission
            + "\"}";
    Answer created = send("POST", "/acls", body);
    if (created.status() != 201) {
      throw new IOException(
          "granting "
              + user
              + " "
              + permission
              + " answered "
              + created.status()
              + ": "
              + created.body());
    }
    return JSON.readTree(created.body()).path("id").asText();
  }

  /** The ticket in a 201 answer; any other answer is an error naming it. */
  public static Ticket ticketOf(Answer a) throws IOException {
    if (a.status() != 201) {
      throw new IOException("POST consoles answered " + a.status() + ": " + a.body());
    }
    JsonNode n = JSON.readTree(a.body());
    return new Ticket(
        n.path("sessionId").asText(),
        n.path("vmId").asText(),
        n.path("token").asText(),
        n.path("proxyUrl").asText(),
        n.path("reconnectWindowSeconds").asInt(),
        n);
  }

  public String sessionState(String sessionId) throws IOException {
    Answer a = send("GET", "/consoles/" + sessionId, null);
    if (a.status() != 200) {
      throw new IOException("GET console answered " + a.status() + ": " + a.body());
    }
    return JSON.readTree(a.body()).path("state").asText();
  }

  /**
   * How many of the audit rows {@code query} selects (e.g. {@code "user=alice&vm=..."}, at most
   * 1,000 rows) are of {@code kind}.
   */
  public long audited(String query, String kind) throws IOException {
    long n = 0;
    for (JsonNode row : json("/audit?" + query + "&limit=1000")) {
      if (kind.equals(row.path("kind").asText())) {
        n++;
      }
    }
    return n;
  }

  public JsonNode json(String path) throws IOException {
    Answer a = send("GET", path, null);
    if (a.status() != 200) {
      throw new IOException("GET " + path + " answered " + a.status() + ": " + a.body());
    }
    return JSON.readTree(a.body());
  }

  public Answer send(String method, String path, String body) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + bearer())
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
