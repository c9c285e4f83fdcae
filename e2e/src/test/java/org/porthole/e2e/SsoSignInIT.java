package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.link.TcpLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * Issue 12: Kerberos single sign-on into the guest over the real stack (the MIT KDC, Keycloak,
 * engine, ws-proxy, host agent and the demo guest under QEMU). Alice, holding a forwardable TGT,
 * opens a console with {@code --sso}: the guest agent authenticates her over SASL GSSAPI, stores
 * her delegated TGT in a 0600 cache of her own and says so on its serial console, and the audit
 * tells the story. Refusals first: a user without {@code console.sso}, each channel's token on the
 * other channel, a guest whose key is not the pinned SPN's (mutual authentication fails), and a
 * service the realm does not mark OK-AS-DELEGATE (signed in, the TGT stays on the desktop). A
 * negative leaves the guest's caches as they were between its {@code sso-begin} and {@code sso-end}
 * lines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SsoSignInIT {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration CONNECT = Duration.ofSeconds(90);
  private static final Duration GUEST = Duration.ofSeconds(60);
  private static final Duration AUDIT = Duration.ofSeconds(30);
  private static final String ADDRESS = "^address 127\\.0\\.0\\.1:(\\d+)$";
  private static final String PASSWORD = "^password (\\S{8})$";
  private static final String SESSION = "connected to .* \\(session (\\S+), interactive\\)";

  private static LocalStack stack;
  private static String vm;
  private static EngineClient admin;
  private static EngineClient alice;
  private static GuestSerial serial;

  @TempDir Path home;
  private final List<NativeViewer> viewers = new ArrayList<>();
  private final List<String> aclIds = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    stack = SharedStack.get();
    vm = stack.demoVmUuid();
    admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    alice = EngineClient.as(stack.options().engineUrl(), "alice", stack::token);
    serial = new GuestSerial(stack.options().demoVmName());
  }

  @AfterEach
  void cleanUp() throws Exception {
    viewers.forEach(NativeViewer::close);
    for (String id : aclIds) {
      admin.send("DELETE", "/acls/" + id, null);
    }
  }

  @Test
  @Order(1)
  void aUserWithoutConsoleSsoIsRefusedAndNothingReachesTheGuest() throws Exception {
    aclIds.add(admin.grant("bob", vm, "console.connect"));
    long mark = serial.mark();

    NativeViewer refused =
        viewer(NativeViewer.kinit(stack, home, "bob"), "connect", vm, "--sso", "--proxy-only");

    assertThat(refused.exitCode(RUN)).as(refused.stderr()).isEqualTo(4);
    assertThat(refused.stderr()).contains("console.sso");
    assertThat(refused.stdout()).doesNotContain("address");
    assertThat(serial.linesSince(mark)).noneMatch(l -> l.contains("PORTHOLE-GUEST: sso-begin"));
  }

  @Test
  @Order(2)
  void eachChannelsTokenIsRefusedOnTheOtherChannel() throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice");
    EngineClient.Answer answer =
        alice.send("POST", "/vms/" + vm + "/consoles", "{\"mode\":\"interactive\",\"sso\":true}");
    EngineClient.Ticket ticket = EngineClient.ticketOf(answer);
    JsonNode sso = ticket.body().path("sso");
    assertThat(sso.path("spn").asText()).isEqualTo(stack.demoVmSpn());
    assertThat(sso.path("nonce").asText()).matches("[A-Za-z0-9_-]{16,128}");
    assertThat(sso.path("proxyUrl").asText()).endsWith("/v1/sso");
    String origin = stack.options().engineUrl();

    try (WsClient ssoOnConsole =
        WsClient.open(
            ticket.proxyUrl(),
            origin,
            List.of("binary", "porthole.token." + sso.path("token").asText()))) {
      assertThat(ssoOnConsole.awaitClose(Duration.ofSeconds(10))).isEqualTo(4003);
    }
    try (WsClient consoleOnSso =
        WsClient.open(
            sso.path("proxyUrl").asText(),
            origin,
            List.of("binary", "porthole.token." + ticket.token()))) {
      assertThat(consoleOnSso.awaitClose(Duration.ofSeconds(10))).isEqualTo(4003);
    }
    assertThat(awaitAudit(ticket.sessionId(), "console.refused", 2))
        .as("both refusals are audited against the session")
        .allSatisfy(e -> assertThat(e.path("detail").toString()).contains("FORBIDDEN"));
  }

  @Test
  @Order(3)
  void aGuestWithoutThePinnedSpnsKeyGetsNoSignIn() throws Exception {
    String impostor = "host/impostor.porthole.test@" + Kdc.REALM;
    stack.kdc().addService(impostor, true, home.resolve("impostor.keytab"));
    assertThat(pinSpn(impostor)).isEqualTo(200);
    try {
      SignIn refused = signIn(NativeViewer.kinit(stack, home, "alice"));
      assertThat(refused.line()).isEqualTo("sso refused code=auth-failed");
      assertThat(refused.end()).startsWith("refused code=auth-failed");
      assertThat(refused.cachesUnchanged()).as("no ccache written: %s", refused.end()).isTrue();
      JsonNode audited = awaitAudit(refused.session(), "console.sso-refused", 1).get(0);
      assertThat(audited.path("detail").path("code").asText()).isEqualTo("auth-failed");
    } finally {
      assertThat(pinSpn(stack.demoVmSpn())).isEqualTo(200);
    }
  }

  @Test
  @Order(4)
  void withoutOkAsDelegateTheTicketStaysOnTheDesktop() throws Exception {
    stack.kdc().addService(stack.demoVmSpn(), false, home.resolve("not-trusted.keytab"));
    try {
      SignIn signIn = signIn(NativeViewer.kinit(stack, home, "alice"));
      assertThat(signIn.line())
          .isEqualTo("sso ok user=alice principal=alice@PORTHOLE.TEST delegated=false");
      assertThat(signIn.viewer().stderr()).contains("OK-AS-DELEGATE");
      assertThat(signIn.end()).startsWith("ok code=- delegated=false");
      assertThat(signIn.cachesUnchanged()).as("no TGT in the guest: %s", signIn.end()).isTrue();
      JsonNode audited = awaitAudit(signIn.session(), "console.sso-signed-in", 1).get(0);
      assertThat(audited.path("detail").path("delegated").asBoolean()).isFalse();
    } finally {
      stack.kdc().addService(stack.demoVmSpn(), true, home.resolve("trusted.keytab"));
    }
  }

  @Test
  @Order(9)
  void aliceSignsInWithHerForwardedTicketAndNoPassword() throws Exception {
    SignIn signIn = signIn(NativeViewer.kinit(stack, home, "alice"));
    assertThat(signIn.line())
        .isEqualTo("sso ok user=alice principal=alice@PORTHOLE.TEST delegated=true");
    assertThat(signIn.end())
        .startsWith("ok code=- delegated=true")
        .containsPattern("caches=krb5cc_\\d+:600:alice:");
    String session = signIn.session();
    serial.await(signIn.mark(), "PORTHOLE-GUEST: klist-end " + session, GUEST);
    List<String> klist =
        serial.linesSince(signIn.mark()).stream()
            .filter(l -> l.contains("PORTHOLE-GUEST: klist "))
            .toList();
    assertThat(klist)
        .anyMatch(l -> l.contains("Default principal: alice@PORTHOLE.TEST"))
        .anyMatch(l -> l.contains("krbtgt/PORTHOLE.TEST@PORTHOLE.TEST"));
    assertThat(forwardedTgtFlags(klist))
        .as("the TGT in the guest was forwarded: Flags contain F and f")
        .contains("F")
        .contains("f");

    JsonNode signedIn = awaitAudit(session, "console.sso-signed-in", 1).get(0);
    assertThat(signedIn.path("detail").path("principal").asText()).isEqualTo("alice@PORTHOLE.TEST");
    assertThat(signedIn.path("detail").path("delegated").asBoolean()).isTrue();
    List<String> kinds = new ArrayList<>();
    for (JsonNode e : admin.json("/audit?session=" + session)) {
      kinds.add(e.path("kind").asText());
    }
    assertThat(kinds)
        .contains("console.ticket-issued", "console.connected", "console.sso-signed-in");

    // No password: the viewer's stdin was closed from the start, and alice's password appears
    // nowhere the system writes.
    String secret = Kdc.DEMO_USERS.get("alice");
    assertThat(signIn.viewer().stdout() + signIn.viewer().stderr()).doesNotContain(secret);
    assertThat(String.join("\n", serial.linesSince(signIn.mark()))).doesNotContain(secret);
    assertThat(admin.json("/audit?session=" + session).toString()).doesNotContain(secret);
  }

  /**
   * One {@code connect --sso --proxy-only} as the ticket cache of {@code desktop} says: a VNC
   * client logs in through the tunnel so the console relays, then the viewer's machine line and the
   * guest's {@code sso-begin}/{@code sso-end} lines of the session are awaited.
   */
  private SignIn signIn(Map<String, String> desktop) throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice");
    long mark = serial.mark();
    NativeViewer tunnel = viewer(desktop, "connect", vm, "--sso", "--proxy-only");
    int port = Integer.parseInt(tunnel.await(ADDRESS, CONNECT).group(1));
    String password = tunnel.await(PASSWORD, CONNECT).group(1);
    try (TcpLink link = new TcpLink("127.0.0.1", port)) {
      RfbClient.direct(link, password);
      String session = tunnel.await(SESSION, CONNECT).group(1);
      String line = tunnel.await("^sso (ok|refused|failed) .*$", CONNECT).group();
      String begin =
          serial
              .await(mark, "PORTHOLE-GUEST: sso-begin " + session + " caches=(\\S+)", GUEST)
              .group(1);
      String end =
          serial.await(mark, "PORTHOLE-GUEST: sso-end " + session + " (.*)$", GUEST).group(1);
      return new SignIn(session, line, begin, end, mark, tunnel);
    }
  }

  /** What one sign-in showed: the viewer's machine line and the guest's probe lines. */
  private record SignIn(
      String session, String line, String beginCaches, String end, long mark, NativeViewer viewer) {
    boolean cachesUnchanged() {
      return end.endsWith("caches=" + beginCaches);
    }
  }

  private static int pinSpn(String spn) throws IOException {
    return admin.send("PUT", "/vms/" + vm + "/sso", "{\"spn\":\"" + spn + "\"}").status();
  }

  /** The Flags of the krbtgt ticket in the probe's {@code klist -f} lines. */
  private static String forwardedTgtFlags(List<String> klist) {
    boolean inTgt = false;
    for (String line : klist) {
      if (line.contains("krbtgt/")) {
        inTgt = true;
      } else if (inTgt && line.contains("Flags:")) {
        return line.substring(line.indexOf("Flags:") + 6).strip();
      }
    }
    return "";
  }

  private static List<JsonNode> awaitAudit(String session, String kind, int count)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(AUDIT);
    while (true) {
      List<JsonNode> found = new ArrayList<>();
      for (JsonNode e : admin.json("/audit?session=" + session)) {
        if (kind.equals(e.path("kind").asText())) {
          found.add(e);
        }
      }
      if (found.size() >= count || Instant.now().isAfter(deadline)) {
        assertThat(found)
            .as("%s audit rows of session %s", kind, session)
            .hasSizeGreaterThanOrEqualTo(count);
        return found;
      }
      Thread.sleep(300);
    }
  }

  private NativeViewer viewer(Map<String, String> env, String... args) throws IOException {
    NativeViewer v = NativeViewer.start(env, args);
    viewers.add(v);
    return v;
  }
}
