package org.porthole.wsproxy.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.token.JwksTrust;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;
import org.porthole.wsproxy.server.ProxyConfig;

/**
 * The security review's handshake cases, on the proxy's real pipeline: the {@code Host} header is
 * the client's choice and never widens the Origin allow-list, and behind a TLS terminator the proxy
 * listens on plain ws while the page it serves is https, so the allow-list holds the page's https
 * origin and nothing the client says about the scheme changes it.
 */
class HostileHandshakeTest {

  private static final String HTTPS_PAGE = "https://porthole.example";

  private final TokenMint tokens = new TokenMint();
  private final InProcessAgents agents =
      new InProcessAgents().add("agent-a:9443", new FakeHostAgent());
  private EmbeddedConsole console;

  @AfterEach
  void tearDown() {
    if (console != null) {
      console.close();
    }
    agents.close();
  }

  /** The proxy as deployed behind a TLS terminator: a plain listener, the https page allowed. */
  private int statusBehindTerminator(String origin, String... extraHeaders) {
    ProxyConfig config =
        new ProxyConfig(
            "127.0.0.1",
            0,
            Set.of(HTTPS_PAGE),
            256 * 1024,
            Duration.ofSeconds(20),
            URI.create("http://127.0.0.1:9/jwks"),
            JwksTrust.systemDefault(),
            TokenClaims.ISSUER,
            TokenClaims.AUDIENCE,
            Optional.empty(),
            Optional.empty());
    return status(config, "porthole.example", origin, extraHeaders);
  }

  private int status(ProxyConfig config, String host, String origin, String... extraHeaders) {
    console =
        new EmbeddedConsole(
            new ConsoleChannelInitializer(
                null, config, ProxyFixtures.authenticator(tokens), agents));
    StringBuilder request =
        new StringBuilder("GET /v1/console HTTP/1.1\r\n")
            .append("Host: ")
            .append(host)
            .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n")
            .append("Sec-WebSocket-Protocol: binary\r\n")
            .append("Origin: ")
            .append(origin)
            .append("\r\n");
    for (String header : extraHeaders) {
      request.append(header).append("\r\n");
    }
    EmbeddedConsole.Answer answer = console.raw(request.append("\r\n").toString());
    assertThat(answer).as("an answer").isNotNull();
    return answer.status();
  }

  private int statusWithHost(String host, String origin) {
    return status(ProxyFixtures.config(), host, origin);
  }

  @Test
  void rejectsRebindingPageWhoseHostMatchesItsOrigin() {
    assertThat(statusWithHost("evil.example", "http://evil.example")).isEqualTo(403);
  }

  @Test
  void rejectsForeignOriginWhateverTheHostHeaderClaims() {
    assertThat(statusWithHost("localhost:8080", "http://evil.example")).isEqualTo(403);
    assertThat(statusWithHost("localhost:8080\tevil.example", "http://evil.example"))
        .isEqualTo(403);
  }

  @Test
  void rejectsOriginThatOnlyStartsWithAnAllowedOne() {
    assertThat(statusWithHost("localhost:8080", ProxyFixtures.ORIGIN + ".evil.example"))
        .isEqualTo(403);
    assertThat(statusWithHost("localhost:8080", ProxyFixtures.ORIGIN + "@evil.example"))
        .isEqualTo(403);
  }

  @Test
  void acceptsAllowedOriginWhateverTheHostHeader() {
    assertThat(statusWithHost("evil.example", ProxyFixtures.ORIGIN)).isEqualTo(101);
  }

  @Test
  void acceptsHttpsPageOnThePlainListenerBehindATlsTerminator() {
    assertThat(statusBehindTerminator(HTTPS_PAGE, "X-Forwarded-Proto: https")).isEqualTo(101);
  }

  @Test
  void rejectsHttpTwinOfTheHttpsPageBehindATlsTerminator() {
    assertThat(statusBehindTerminator("http://porthole.example")).isEqualTo(403);
    assertThat(statusBehindTerminator("http://porthole.example", "X-Forwarded-Proto: https"))
        .isEqualTo(403);
  }

  @Test
  void rejectsWebSocketSchemeAsOriginBehindATlsTerminator() {
    assertThat(statusBehindTerminator("wss://porthole.example")).isEqualTo(403);
    assertThat(statusBehindTerminator("ws://porthole.example")).isEqualTo(403);
  }
}
