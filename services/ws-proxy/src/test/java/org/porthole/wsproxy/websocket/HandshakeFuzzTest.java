package org.porthole.wsproxy.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/**
 * Fuzz target for the upgrade request on the proxy's real pipeline (Netty's HTTP decoder, {@link
 * HandshakePolicy}, the handshaker): method, path, Host, Origin, subprotocols and stray headers
 * from the fuzzer. The proxy answers 101 exactly when the written policy (docs/contracts.md,
 * "WebSocket") admits the request, never lets the Host header or forwarding headers decide, and
 * never echoes an offered token. Seeds in {@code HandshakeFuzzTestInputs/} replay in every test
 * run; {@code ./porthole fuzz} fuzzes it for a fixed budget.
 */
class HandshakeFuzzTest {

  private static final String[] METHODS = {"GET", "POST", "HEAD", "get", "OPTIONS"};
  private static final String[] PATHS = {
    "/v1/console",
    "/v1/sso",
    "/v1/console?t=x",
    "/v1/sso#x",
    "/v1/console/",
    "//v1/console",
    "/v1/Console",
    "/v1/console%00",
    "http://localhost:8081/v1/console",
    "*",
    "/"
  };
  private static final String[] ORIGINS = {
    ProxyFixtures.ORIGIN,
    "http://localhost:8080/",
    "HTTP://LOCALHOST:8080",
    "http://localhost",
    "https://localhost:8080",
    "ws://localhost:8080",
    "null",
    "http://evil.example",
    "http://localhost:8080.evil.example",
    ""
  };
  private static final String[] PROTOCOLS = {
    "binary", " binary ", "Binary", "porthole.token.", "base64", "binary,binary", ""
  };

  /** The upgrade request as the fuzzer wrote it, and what the written policy says of it. */
  private record Upgrade(String text, boolean admissible, String token) {}

  @FuzzTest(maxDuration = "30s")
  void upgradeIsAcceptedExactlyWhenThePolicyAdmitsIt(FuzzedDataProvider data) {
    Upgrade upgrade = upgrade(data);
    EmbeddedConsole.Answer answer = answerTo(upgrade.text());
    assertThat(answer).as("an answer to a complete request").isNotNull();
    assertThat(answer.status() == 101)
        .as("101 for %s, got %s", upgrade.text(), answer)
        .isEqualTo(upgrade.admissible());
    if (answer.status() != 101) {
      assertThat(answer.status()).isBetween(400, 499);
    } else {
      assertThat(answer.header("Sec-WebSocket-Protocol")).isEqualTo("binary");
    }
    if (upgrade.token() != null && upgrade.token().length() > 8) {
      // The token may name something the proxy says anyway ("connection"); what must not
      // happen is that it shows up more often than when another token of its shape is offered.
      String token = upgrade.token();
      String other = rotated(token);
      String prefix = HandshakePolicy.TOKEN_PREFIX;
      EmbeddedConsole.Answer reference =
          answerTo(upgrade.text().replace(prefix + token, prefix + other));
      assertThat(occurrences(answer.toString(), token))
          .as("the offered token echoed in %s", answer)
          .isEqualTo(occurrences(reference.toString(), token));
    }
  }

  /** The token with each visible character but ',' moved to the next one, so never itself. */
  private static String rotated(String token) {
    StringBuilder other = new StringBuilder(token.length());
    for (char c : token.toCharArray()) {
      char next = c == ' ' ? ' ' : (char) (c == '~' ? '!' : c + 1);
      other.append(next == ',' ? '-' : next);
    }
    return other.toString();
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  /** What a fresh proxy pipeline answers to the request {@code text}. */
  private static EmbeddedConsole.Answer answerTo(String text) {
    try (InProcessAgents agents = new InProcessAgents();
        EmbeddedConsole console = console(agents)) {
      return console.raw(text);
    }
  }

  private static EmbeddedConsole console(InProcessAgents agents) {
    TokenMint tokens = new TokenMint();
    agents.add("agent-a:9443", new FakeHostAgent());
    return new EmbeddedConsole(
        new ConsoleChannelInitializer(
            null, ProxyFixtures.config(), ProxyFixtures.authenticator(tokens), agents));
  }

  private static Upgrade upgrade(FuzzedDataProvider data) {
    String method = data.consumeBoolean() ? data.pickValue(METHODS) : token(data, 8);
    String path = data.consumeBoolean() ? data.pickValue(PATHS) : token(data, 40);
    List<String> origins = new ArrayList<>();
    for (int n = data.consumeInt(0, 2); n > 0; n--) {
      origins.add(data.consumeBoolean() ? data.pickValue(ORIGINS) : value(data, 40));
    }
    List<String> protocolHeaders = new ArrayList<>();
    for (int n = data.consumeInt(0, 2); n > 0; n--) {
      List<String> entries = new ArrayList<>();
      for (int e = data.consumeInt(0, 3); e > 0; e--) {
        String entry = data.consumeBoolean() ? data.pickValue(PROTOCOLS) : value(data, 20);
        entries.add(entry.equals("porthole.token.") ? entry + value(data, 40) : entry);
      }
      protocolHeaders.add(String.join(",", entries));
    }
    StringBuilder text = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    text.append("Host: ").append(value(data, 40)).append("\r\n");
    text.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    text.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
    if (data.consumeBoolean()) {
      text.append("X-Forwarded-Proto: ").append(value(data, 8)).append("\r\n");
      text.append("Forwarded: ").append(value(data, 40)).append("\r\n");
    }
    origins.forEach(o -> text.append("Origin: ").append(o).append("\r\n"));
    protocolHeaders.forEach(p -> text.append("Sec-WebSocket-Protocol: ").append(p).append("\r\n"));
    text.append("\r\n");
    // The written rule: one header, comma-separated entries, "binary" among them, one token at
    // most.
    String token = null;
    int tokens = 0;
    boolean binary = false;
    for (String entry : String.join(",", protocolHeaders).split(",", -1)) {
      binary |= entry.strip().equals("binary");
      if (entry.strip().startsWith(HandshakePolicy.TOKEN_PREFIX)) {
        tokens++;
        token = entry.strip().substring(HandshakePolicy.TOKEN_PREFIX.length());
      }
    }
    boolean admissible =
        method.equals("GET")
            && (path.equals("/v1/console") || path.equals("/v1/sso"))
            && (origins.isEmpty()
                || (origins.size() == 1 && origins.get(0).strip().equals(ProxyFixtures.ORIGIN)))
            && protocolHeaders.size() <= 1
            && binary
            && tokens <= 1;
    return new Upgrade(text.toString(), admissible, token);
  }

  /** A header value: printable ASCII, no line breaks. */
  private static String value(FuzzedDataProvider data, int max) {
    return data.consumeAsciiString(max).replaceAll("[^\\x20-\\x7e]", "");
  }

  /** A request-line token: printable ASCII without spaces, never empty. */
  private static String token(FuzzedDataProvider data, int max) {
    String t = data.consumeAsciiString(max).replaceAll("[^\\x21-\\x7e]", "");
    return t.isEmpty() ? "X" : t;
  }
}
