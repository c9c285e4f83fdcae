package org.porthole.nativeviewer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.nativeviewer.signin.EngineAuthorization;

/** The console request asks for SSO only when told to, and the answer's SSO ticket is read. */
class EngineClientSsoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VM = "0d9a3f4e-6b1c-4a8e-9f2d-7c5b3a1e0f42";
  private static final String SSO_TOKEN = "eyJhbGciOiJFZERTQSJ9.c3NvLXRva2Vu.c2ln";
  private static final String ANSWER =
      "{\"sessionId\":\"5b0e\",\"vmId\":\""
          + VM
          + "\",\"mode\":\"interactive\",\"token\":\"eyJ.dm5j.c2ln\","
          + "\"proxyUrl\":\"ws://127.0.0.1:8081/v1/console\","
          + "\"expiresAt\":\"2026-12-07T01:00:00Z\",\"reconnectWindowSeconds\":30,"
          + "\"sso\":{\"token\":\""
          + SSO_TOKEN
          + "\",\"proxyUrl\":\"ws://127.0.0.1:8081/v1/sso\","
          + "\"spn\":\"host/porthole-demo.porthole.test@PORTHOLE.TEST\","
          + "\"nonce\":\"q7Rz0cF3nY5-kW2_hT8pLm\",\"delegation\":\"ok-as-delegate\","
          + "\"expiresAt\":\"2026-12-07T01:00:05Z\"}}";

  private final CompletableFuture<String> requestBody = new CompletableFuture<>();
  private HttpServer engine;

  @BeforeEach
  void startEngine() throws IOException {
    engine = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    engine.createContext(
        "/api/v1/vms/" + VM + "/consoles",
        exchange -> {
          requestBody.complete(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(201, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    engine.start();
  }

  @AfterEach
  void stopEngine() {
    engine.stop(0);
  }

  @Test
  void asksForSsoAndReadsTheSsoTicket() throws Exception {
    String url = "http://127.0.0.1:" + engine.getAddress().getPort();
    EngineClient client = new EngineClient(url, new Bearer(), HttpClient.newHttpClient());

    Ticket ticket = client.openConsole(VM, "interactive", false, true);

    JsonNode body = JSON.readTree(requestBody.get(5, TimeUnit.SECONDS));
    assertThat(body.path("sso").asBoolean()).isTrue();
    assertThat(body.path("mode").asText()).isEqualTo("interactive");
    assertThat(body.has("takeover")).isFalse();
    assertThat(ticket.sessionId()).isEqualTo("5b0e");
    assertThat(ticket.sso()).isPresent();
    SsoTicket sso = ticket.sso().get();
    assertThat(sso.token()).isEqualTo(SSO_TOKEN);
    assertThat(sso.proxyUrl()).isEqualTo("ws://127.0.0.1:8081/v1/sso");
    assertThat(sso.spn()).isEqualTo("host/porthole-demo.porthole.test@PORTHOLE.TEST");
    assertThat(sso.nonce()).isEqualTo("q7Rz0cF3nY5-kW2_hT8pLm");
    assertThat(sso.delegation()).isEqualTo("ok-as-delegate");
    assertThat(sso.expiresAt()).isEqualTo(Instant.parse("2026-12-07T01:00:05Z"));
    assertThat(sso.problem()).isEmpty();
    assertThat(ticket.toString()).contains("ok-as-delegate").doesNotContain(SSO_TOKEN);
  }

  @Test
  void withoutSsoTheBodyDoesNotAskAndNoAnswerMeansNoSsoTicket() throws Exception {
    assertThat(JSON.readTree(EngineClient.consoleBody("view", false, false)).has("sso")).isFalse();
    assertThat(JSON.readTree(EngineClient.consoleBody("interactive", true, false)).toString())
        .isEqualTo("{\"mode\":\"interactive\",\"takeover\":true}");

    JsonNode plain = JSON.readTree(ANSWER.substring(0, ANSWER.indexOf(",\"sso\"")) + "}");
    assertThat(EngineClient.ticket(plain, "interactive").sso()).isEmpty();
    JsonNode nullSso = JSON.readTree("{\"sessionId\":\"s\",\"sso\":null}");
    assertThat(EngineClient.ticket(nullSso, "interactive").sso()).isEmpty();
  }

  @Test
  void anIncompleteSsoTicketSaysWhatIsMissing() throws Exception {
    JsonNode answer = JSON.readTree("{\"sessionId\":\"s\",\"sso\":{\"token\":\"t\"}}");
    SsoTicket sso = EngineClient.ticket(answer, "interactive").sso().orElseThrow();
    assertThat(sso.problem()).contains("the engine's SSO ticket names no proxy URL");
    assertThat(sso.expiresAt()).isNull();
  }

  @Test
  void aMissingConsoleSsoIsExitCode4NamingIt() {
    var f = EngineClient.refusal(403, "console.sso is required on VM " + VM);
    assertThat(f.exitCode()).isEqualTo(ExitCode.FORBIDDEN);
    assertThat(f.getMessage()).contains("console.sso");
  }

  private static final class Bearer implements EngineAuthorization {
    @Override
    public String header() {
      return "Bearer test";
    }

    @Override
    public String method() {
      return "OIDC";
    }
  }
}
