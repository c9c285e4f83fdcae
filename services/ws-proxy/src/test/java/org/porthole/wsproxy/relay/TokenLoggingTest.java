package org.porthole.wsproxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.wsproxy.harness.EmbeddedConsole;
import org.porthole.wsproxy.harness.InProcessAgents;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.server.ConsoleChannelInitializer;

/** Tokens are bearer secrets: no log line of the proxy, at any level, may contain one. */
class TokenLoggingTest {

  private static final String HOST = "agent-a:9443";
  private final Logger root = Logger.getLogger("");
  private final List<String> lines = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          String message =
              record.getParameters() == null
                  ? record.getMessage()
                  : MessageFormat.format(record.getMessage(), record.getParameters());
          synchronized (lines) {
            lines.add(message + (record.getThrown() == null ? "" : " " + record.getThrown()));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level previous;

  @BeforeEach
  void captureEverything() {
    previous = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(capture);
  }

  @AfterEach
  void restore() {
    root.removeHandler(capture);
    root.setLevel(previous);
  }

  @Test
  void neverLogsTheToken() {
    TokenMint tokens = new TokenMint();
    List<String> secrets = new ArrayList<>();
    FakeHostAgent agent = new FakeHostAgent();
    try (InProcessAgents agents = new InProcessAgents().add(HOST, agent)) {
      ConsoleChannelInitializer pipeline =
          new ConsoleChannelInitializer(
              null, ProxyFixtures.config(), ProxyFixtures.authenticator(tokens), agents);

      String good = tokens.sign(HOST);
      secrets.add(good);
      run(pipeline, "binary, porthole.token." + good, null, agent, true);

      String viaMessage = tokens.sign(HOST);
      secrets.add(viaMessage);
      run(pipeline, "binary", viaMessage, agent, false);

      Instant past = Instant.now().minusSeconds(600);
      String expired = tokens.sign(TokenClaims.forHost(HOST).issuedAt(past, 60));
      secrets.add(expired);
      run(pipeline, "binary, porthole.token." + expired, null, agent, false);

      String forged = new TokenMint().sign(HOST);
      secrets.add(forged);
      run(pipeline, "binary, porthole.token." + forged, null, agent, false);

      String queried = tokens.sign(HOST);
      secrets.add(queried);
      try (EmbeddedConsole console = new EmbeddedConsole(pipeline)) {
        console.upgrade("/v1/console?token=" + queried, ProxyFixtures.ORIGIN, "binary");
      }
    }

    assertThat(lines).as("the proxy logged something in these scenarios").isNotEmpty();
    for (String secret : secrets) {
      String signature = secret.substring(secret.lastIndexOf('.') + 1);
      assertThat(lines).noneMatch(line -> line.contains(signature));
    }
  }

  private static void run(
      ConsoleChannelInitializer pipeline,
      String protocols,
      String firstMessage,
      FakeHostAgent agent,
      boolean agentRefuses) {
    try (EmbeddedConsole console = new EmbeddedConsole(pipeline)) {
      console.upgrade("/v1/console", ProxyFixtures.ORIGIN, protocols);
      if (firstMessage != null) {
        console.send(new TextWebSocketFrame(firstMessage));
      }
      if (agentRefuses && agent.toProxy() != null) {
        agent
            .toProxy()
            .onError(Status.UNAUTHENTICATED.withDescription("token refused").asRuntimeException());
        console.pump();
      }
      console.frames().forEach(io.netty.handler.codec.http.websocketx.WebSocketFrame::release);
    }
  }
}
