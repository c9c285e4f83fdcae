package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.token.TokenForge;
import org.porthole.testsupport.ws.WsClient;

/**
 * Issue 10, acceptance 5, its WebSocket part, on the stack's real ws-proxy: a tampered token, a
 * foreign origin and a flood of connections that never authenticate are refused (the flood beyond
 * the per-address cap with 429 before any upgrade), and each kind of refusal reaches the engine's
 * audit as {@code console.refused} through Kafka.
 */
class WebSocketRefusalAuditIT {
  private static final int FLOOD = 40;
  private static final int PER_ADDRESS_CAP = 32;
  private static final Duration AUDIT_WAIT = Duration.ofSeconds(30);

  @Test
  void tamperedTokensForeignOriginsAndUnauthenticatedFloodsAreRefusedAndAudited() throws Exception {
    LocalStack stack = SharedStack.get();
    EngineClient admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    String proxy = stack.options().proxyUrl();
    String origin = stack.options().engineUrl();
    EngineClient.Ticket ticket =
        EngineClient.ticketOf(admin.requestConsole(stack.demoVmUuid(), "view", false));

    try (WsClient tampered =
        WsClient.open(
            proxy,
            origin,
            List.of(
                "binary",
                "porthole.token." + TokenForge.withClaim(ticket.token(), "sub", "mallory")))) {
      assertThat(tampered.awaitClose(Duration.ofSeconds(10))).isEqualTo(4001);
    }
    assertThatThrownBy(() -> WsClient.open(proxy, "https://evil.example", List.of("binary")))
        .isInstanceOfSatisfying(
            WsClient.Refused.class, r -> assertThat(r.httpStatus).isEqualTo(403));

    List<WsClient> held = new ArrayList<>();
    int refused = 0;
    try {
      for (int i = 0; i < FLOOD; i++) {
        try {
          held.add(WsClient.open(proxy, origin, List.of("binary")));
        } catch (WsClient.Refused r) {
          assertThat(r.httpStatus).as("a refused unauthenticated open").isEqualTo(429);
          refused++;
        }
      }
      System.out.printf(
          "ws-refusals: %d tokenless opens, %d held, %d refused 429%n",
          FLOOD, held.size(), refused);
      assertThat(held)
          .as("unauthenticated connections one address may hold")
          .hasSizeLessThanOrEqualTo(PER_ADDRESS_CAP);
      assertThat(refused).isEqualTo(FLOOD - held.size());
    } finally {
      held.forEach(WsClient::close);
    }

    Set<String> expected = Set.of("TOKEN_REJECTED", "ORIGIN_REJECTED", "TOO_MANY_REQUESTS");
    Set<String> audited = new HashSet<>();
    Instant deadline = Instant.now().plus(AUDIT_WAIT);
    while (!audited.containsAll(expected) && Instant.now().isBefore(deadline)) {
      audited = refusalStatuses(admin);
      Thread.sleep(500);
    }
    assertThat(audited)
        .as("statuses of the ws-proxy's console.refused audit rows")
        .containsAll(expected);
  }

  private static Set<String> refusalStatuses(EngineClient admin) throws IOException {
    Set<String> statuses = new HashSet<>();
    for (JsonNode event : admin.json("/audit?limit=1000")) {
      if ("console.refused".equals(event.path("kind").asText())
          && "ws-proxy".equals(event.path("detail").path("source").asText())) {
        statuses.add(event.path("detail").path("status").asText());
      }
    }
    return statuses;
  }
}
