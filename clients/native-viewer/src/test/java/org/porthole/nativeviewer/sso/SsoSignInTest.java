package org.porthole.nativeviewer.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.porthole.nativeviewer.engine.SsoTicket;
import org.porthole.nativeviewer.engine.Ticket;

/**
 * A sign-in that cannot start says why in one report, and only one, however the console ends
 * afterwards. (The exchange itself runs against a real guest in the e2e tier.)
 */
class SsoSignInTest {
  private static final String SPN = "host/porthole-demo.porthole.test@PORTHOLE.TEST";

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<String> firstLine = new CompletableFuture<>();

  @Test
  void aTicketWithoutSsoIsOneFailedLine() throws Exception {
    String line = signIn(ticket(Optional.empty()));
    assertThat(line).isEqualTo("sso failed code=no-sso-ticket");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("carries no SSO ticket")
        .contains("the console stays open");
  }

  @Test
  void anUnknownDelegationPolicyIsABadTicket() throws Exception {
    String line = signIn(ticket(Optional.of(sso("sometimes", "q7Rz0cF3nY5-kW2_hT8pLm"))));
    assertThat(line).isEqualTo("sso failed code=bad-ticket");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown delegation policy");
  }

  @Test
  void aTicketWithoutANonceIsABadTicket() throws Exception {
    assertThat(signIn(ticket(Optional.of(sso("never", "")))))
        .isEqualTo("sso failed code=bad-ticket");
  }

  /** Runs a sign-in, waits for its machine line, ends the console, and checks nothing follows. */
  private String signIn(Ticket ticket) throws Exception {
    OutputStream lines =
        new OutputStream() {
          @Override
          public void write(int b) {
            out.write(b);
            if (b == '\n') {
              firstLine.complete(out.toString(StandardCharsets.UTF_8).strip());
            }
          }
        };
    SsoReport report =
        new SsoReport(
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Optional.of(new PrintStream(lines, true, StandardCharsets.UTF_8)));
    SsoSignIn.Running running = new SsoSignIn(HttpClient.newHttpClient(), report).start(ticket);

    String line = firstLine.get(10, TimeUnit.SECONDS);
    running.stop();

    assertThat(running.reported()).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(line + "\n");
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
    return line;
  }

  private static SsoTicket sso(String delegation, String nonce) {
    return new SsoTicket(
        "eyJ.c3Nv.c2ln",
        "ws://127.0.0.1:9/v1/sso",
        SPN,
        nonce,
        delegation,
        Instant.parse("2026-12-07T01:00:00Z"));
  }

  private static Ticket ticket(Optional<SsoTicket> sso) {
    return new Ticket(
        "5b0e",
        "vm-1",
        "interactive",
        "eyJ.dm5j.c2ln",
        "ws://127.0.0.1:9/v1/console",
        Instant.parse("2026-12-07T01:00:00Z"),
        30,
        sso);
  }
}
