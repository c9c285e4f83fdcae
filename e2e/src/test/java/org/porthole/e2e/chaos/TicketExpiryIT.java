package org.porthole.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.e2e.SharedStack;
import org.porthole.e2e.StackProcess;
import org.porthole.stack.host.Ports;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * Tickets expire while a console is open, over the real path: an engine replica whose tickets live
 * 5 s (the stack engine's command and environment with {@code PORTHOLE_TICKET_SECONDS=5}) issues
 * two; one opens a console, which outlives its ticket (a token only opens a console: the session
 * stays connected and the picture flows); the other, unused past its expiry, opens nothing and its
 * session ends {@code expired}, never connected.
 */
class TicketExpiryIT {
  private static final int TICKET_SECONDS = 5;

  /** The verifiers' allowance for clock skew (ConsoleTokenFormat.SKEW), plus a second. */
  private static final Duration PAST_EXPIRY = Duration.ofSeconds(5 + 1);

  /** How long the open console is watched after its ticket's expiry (and the skew) passed. */
  private static final Duration WATCHED_AFTER = Duration.ofSeconds(5);

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration PICTURE_WAIT = Duration.ofSeconds(10);

  /** Between two framebuffer requests while the console is watched: a viewer's pace. */
  private static final Duration PICTURE_PACE = Duration.ofMillis(500);

  /** WebSocket close code of a refused console token (PortholeStatus.TOKEN_REJECTED). */
  private static final int TOKEN_REJECTED = 4001;

  private final LocalStack stack = SharedStack.get();
  private final EngineRows rows = new EngineRows(stack.postgres());
  private final String vm = stack.demoVmUuid();
  private final EngineClient admin =
      EngineClient.as(stack.options().engineUrl(), "admin", stack::token);

  @Test
  void anOpenConsoleOutlivesItsTicketAndAnExpiredOneOpensNothing() throws Exception {
    int[] ports = Ports.distinct(2);
    Process shortTickets =
        StackProcess.engine(stack.options().enginePort())
            .startCopy(
                Map.of(
                    "QUARKUS_HTTP_PORT", Integer.toString(ports[0]),
                    "QUARKUS_MANAGEMENT_PORT", Integer.toString(ports[1]),
                    "PORTHOLE_TICKET_SECONDS", Integer.toString(TICKET_SECONDS)),
                ports[0],
                stack.options().logDir().resolve("engine-short-tickets.log"));
    String opened;
    EngineClient.Ticket unused;
    try {
      EngineClient issuer = EngineClient.as("http://127.0.0.1:" + ports[0], "admin", stack::token);
      unused = issuer.ticketWhenFree(vm, "view");
      try (OpenConsole console = OpenConsole.open(stack, issuer, vm, "view")) {
        opened = console.sessionId();
        OpenConsole.awaitState(admin, opened, "connected", WAIT);
        Instant expired = expiresAt(opened).plus(PAST_EXPIRY);
        assertThat(expiresAt(opened))
            .as("the replica's ticket lifetime")
            .isBefore(Instant.now().plusSeconds(TICKET_SECONDS + 1));
        Instant until = expired.plus(WATCHED_AFTER);
        int pictures = 0;
        while (Instant.now().isBefore(until)) {
          console.assertShowsPicture(PICTURE_WAIT);
          pictures++;
          Thread.sleep(PICTURE_PACE.toMillis());
        }
        assertThat(admin.sessionState(opened))
            .as("the session %s after its ticket expired (%d pictures since)", opened, pictures)
            .isEqualTo("connected");

        try (WsClient late = OpenConsole.link(stack, unused)) {
          assertThat(late.awaitClose(PICTURE_WAIT))
              .as("an unused ticket past its expiry")
              .isEqualTo(TOKEN_REJECTED);
          assertThat(late.closeReason()).contains("EXPIRED");
        }
        console.assertShowsPicture(PICTURE_WAIT);
      }
    } finally {
      StackProcess.stop(shortTickets);
    }
    OpenConsole.awaitState(admin, unused.sessionId(), "closed", WAIT);
    assertThat(admin.json("/consoles/" + unused.sessionId()).path("closeReason").asText())
        .as("why the unused ticket's session closed")
        .isEqualTo("expired");
    OpenConsole.awaitState(admin, opened, "closed", WAIT);
    assertThat(rows.awaitAudited(opened, "console.disconnected", WAIT))
        .as("disconnected rows of %s", opened)
        .isEqualTo(1);
    assertThat(rows.audited(unused.sessionId(), "console.connected"))
        .as("connected rows of the unused ticket's session")
        .isZero();
  }

  private Instant expiresAt(String sessionId) throws Exception {
    return Instant.parse(admin.json("/consoles/" + sessionId).path("expiresAt").asText());
  }
}
