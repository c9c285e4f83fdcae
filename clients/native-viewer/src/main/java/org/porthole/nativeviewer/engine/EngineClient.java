package org.porthole.nativeviewer.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.ViewerFailure;
import org.porthole.nativeviewer.signin.EngineAuthorization;

/**
 * The engine's REST API as the viewer uses it: who am I, which VMs, a console ticket. Every refusal
 * becomes a {@link ViewerFailure} with the engine's own message (which names a missing permission)
 * and its exit code.
 */
public final class EngineClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

  private final String api;
  private final EngineAuthorization auth;
  private final HttpClient http;

  public EngineClient(String engineUrl, EngineAuthorization auth, HttpClient http) {
    String base =
        engineUrl.endsWith("/") ? engineUrl.substring(0, engineUrl.length() - 1) : engineUrl;
    this.api = base + "/api/v1";
    this.auth = auth;
    this.http = http;
  }

  /** The signed-in user's name. */
  public String me() {
    return call("GET", "/me", null).path("name").asText();
  }

  /** The VMs the user may see, as the engine lists them. */
  public List<Vm> vms() {
    List<Vm> vms = new ArrayList<>();
    for (JsonNode n : call("GET", "/vms", null)) {
      List<String> permissions = new ArrayList<>();
      n.path("permissions").forEach(p -> permissions.add(p.asText()));
      vms.add(
          new Vm(
              n.path("id").asText(),
              n.path("name").asText(),
              n.path("state").asText(),
              guestWord(n.path("guest")),
              List.copyOf(permissions)));
    }
    return vms;
  }

  /** The VMs as raw JSON, for {@code list --json}. */
  public JsonNode vmsJson() {
    return call("GET", "/vms", null);
  }

  /**
   * The VM named {@code nameOrId} (its name, exact, or its UUID). A UUID not in the user's list is
   * still returned, so the console request gets the engine's own refusal.
   */
  public Vm find(String nameOrId) {
    for (Vm vm : vms()) {
      if (vm.id().equalsIgnoreCase(nameOrId) || vm.name().equals(nameOrId)) {
        return vm;
      }
    }
    if (UUID.matcher(nameOrId).matches()) {
      // A VM the user may not see is asked for anyway: the engine's answer names the permission.
      return new Vm(nameOrId.toLowerCase(Locale.ROOT), nameOrId, "", "-", List.of());
    }
    throw new ViewerFailure(
        ExitCode.NOT_FOUND,
        "no VM '" + clean(nameOrId) + "' among the ones you may see (porthole-viewer list)");
  }

  /**
   * A console ticket for {@code vmId} in {@code mode}, taking the console over when told to; with
   * {@code sso}, also the session's SSO channel (interactive consoles only).
   */
  public Ticket openConsole(String vmId, String mode, boolean takeover, boolean sso) {
    JsonNode n = call("POST", "/vms/" + vmId + "/consoles", consoleBody(mode, takeover, sso));
    return ticket(n, mode);
  }

  /** The body of a console request: {@code takeover} and {@code sso} only when asked. */
  static String consoleBody(String mode, boolean takeover, boolean sso) {
    ObjectNode body = JSON.createObjectNode();
    body.put("mode", mode);
    if (takeover) {
      body.put("takeover", true);
    }
    if (sso) {
      body.put("sso", true);
    }
    return body.toString();
  }

  /** The ticket in the engine's answer {@code n} to a console request for {@code mode}. */
  static Ticket ticket(JsonNode n, String mode) {
    return new Ticket(
        n.path("sessionId").asText(),
        n.path("vmId").asText(),
        n.path("mode").asText(mode),
        n.path("token").asText(),
        n.path("proxyUrl").asText(),
        Instant.parse(n.path("expiresAt").asText(Instant.now().plusSeconds(60).toString())),
        n.path("reconnectWindowSeconds").asInt(0),
        SsoTicket.of(n.get("sso")));
  }

  private JsonNode call(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .header("Authorization", auth.header());
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ViewerFailure(
          ExitCode.ENGINE_DOWN, "the engine at " + api + " cannot be reached (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ViewerFailure(ExitCode.FAILED, "interrupted", e);
    }
    JsonNode answer = parse(r.body());
    if (r.statusCode() / 100 == 2) {
      return answer;
    }
    throw refusal(r.statusCode(), clean(answer.path("message").asText("")));
  }

  /** The failure for an engine refusal; {@code message} is the engine's, already cleaned. */
  static ViewerFailure refusal(int status, String message) {
    String said = message.isEmpty() ? "HTTP " + status : message;
    return switch (status) {
      case 401 ->
          new ViewerFailure(
              ExitCode.SIGN_IN,
              "the engine refused your sign-in: run porthole-viewer login (or kinit)");
      case 403 -> new ViewerFailure(ExitCode.FORBIDDEN, said);
      case 404 -> new ViewerFailure(ExitCode.NOT_FOUND, said);
      case 409 ->
          new ViewerFailure(
              message.contains("held by") ? ExitCode.HELD : ExitCode.CONSOLE_FAILED,
              message.contains("held by") ? said + " (porthole-viewer connect --takeover)" : said);
      case 429 -> new ViewerFailure(ExitCode.BUSY, said);
      case 502, 503, 504 -> new ViewerFailure(ExitCode.CONSOLE_FAILED, said);
      default -> new ViewerFailure(ExitCode.FAILED, "the engine answered " + status + ": " + said);
    };
  }

  private static String guestWord(JsonNode guest) {
    if (guest.isMissingNode() || guest.isNull()) {
      return "-";
    }
    if (!guest.path("responsive").asBoolean(true)) {
      return "unresponsive";
    }
    return guest.path("session").asText("-");
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /** Text from a server or the user, made safe for one terminal line. */
  static String clean(String s) {
    String printable = s.replaceAll("[\\p{Cntrl}\\x7f]", "?");
    return printable.length() > 300 ? printable.substring(0, 300) + "…" : printable;
  }
}
