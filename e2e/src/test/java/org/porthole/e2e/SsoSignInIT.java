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
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.sso.exchange.SsoRefusedException;
import org.porthole.sso.gssapi.DelegationPolicy;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.kerberos.TicketCache;
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
 * service the realm does not mark OK-AS-DELEGATE (signed in, the TGT stays on the desktop), a
 * principal that is not the console's user, a replayed first GSSAPI token, and a second SSO client
 * while one holds the VM's port (the last three with the test's own client, {@link SsoWire}). A
 * negative leaves the guest's caches as they were between its {@code sso-begin} and {@code sso-end}
 * lines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SsoSignInIT {
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration CONNECT = Duration.ofSeconds(90);
  private static final Duration GUEST = Duration.ofSeconds(60);

  /** The guest ends an exchange its client left at its own 30 s limit. */
  private static final Duration END = Duration.ofSeconds(75);

  /** Until the previous exchange's stream has ended and freed the VM's SSO port. */
  private static final Duration FREE = Duration.ofSeconds(45);

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
    // The test's own SSO client (SsoWire) reads tickets of the stack's realm in this JVM.
    System.setProperty("java.security.krb5.conf", stack.kdc().krb5Conf().toString());
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
    List<JsonNode> audited = new ArrayList<>();
    for (JsonNode e : admin.json("/audit?user=bob&vm=" + vm + "&limit=1000")) {
      if ("console.ticket-refused".equals(e.path("kind").asText())
          && e.path("detail").path("sso").asBoolean()) {
        audited.add(e);
      }
    }
    assertThat(audited)
        .as("the refusal is audited with sso asked")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.path("reason").asText()).contains("console.sso"));
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
    // Redeem the console's own token now: an unused ticket would hold the VM for its whole
    // lifetime and keep the next test class's other user out.
    try (WsClient console =
        WsClient.open(
            ticket.proxyUrl(), origin, List.of("binary", "porthole.token." + ticket.token()))) {
      RfbClient.throughPorthole(console);
    }
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
  @Order(5)
  void aPrincipalThatIsNotTheConsolesUserIsRefused() throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice");
    long mark = serial.mark();
    Path cache = home.resolve("bob.cc");
    stack.kdc().kinit("bob", Kdc.DEMO_USERS.get("bob"), cache);
    Subject bob = TicketCache.subject(cache, "bob@" + Kdc.REALM);

    try (SsoWire wire = SsoWire.openWhenFree(stack, alice, FREE)) {
      SsoRefusedException refused = null;
      try {
        wire.exchange(bob, DelegationPolicy.NEVER);
      } catch (SsoRefusedException e) {
        refused = e;
      }
      assertThat(refused).as("alice's console, bob's ticket: refused").isNotNull();
      assertThat(refused.code()).isEqualTo("wrong-user");
      String end = awaitEnd(mark, wire.session);
      assertThat(end).startsWith("refused code=wrong-user");
      assertThat(cachesUnchanged(mark, wire.session, end)).as(end).isTrue();
      JsonNode audited = awaitAudit(wire.session, "console.sso-refused", 1).get(0);
      assertThat(audited.path("detail").path("code").asText()).isEqualTo("wrong-user");
      assertThat(audited.path("detail").path("principal").asText()).isEqualTo("bob@" + Kdc.REALM);
    }
  }

  @Test
  @Order(6)
  void aReplayedFirstTokenIsRefused() throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice");
    Subject aliceTgt = aliceSubject();
    String recorded;
    long mark = serial.mark();
    try (SsoWire first = SsoWire.openWhenFree(stack, alice, FREE)) {
      first.exchange(aliceTgt, DelegationPolicy.NEVER);
      recorded =
          first.sentLines().stream()
              .filter(l -> l.contains("\"start-sasl\""))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no start-sasl sent: " + first.sentLines()));
      awaitEnd(mark, first.session);
    }

    try (SsoWire second = SsoWire.openWhenFree(stack, alice, FREE)) {
      assertThat(second.lines.next()).as("the guest's signature").isNotNull();
      assertThat(second.lines.next()).as("the guest's authenticate").isNotNull();
      second.sendRaw(recorded);
      String end = awaitEnd(mark, second.session);
      assertThat(end)
          .as("the replayed AP-REQ is refused")
          .containsPattern("^refused code=(replay|channel-binding|auth-failed) ");
      assertThat(cachesUnchanged(mark, second.session, end)).as(end).isTrue();
      awaitAudit(second.session, "console.sso-refused", 1);
    }
  }

  @Test
  @Order(7)
  void aSecondSsoClientGetsConflictAtOnce() throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice");
    long mark = serial.mark();
    String held;
    try (SsoWire first = SsoWire.openWhenFree(stack, alice, FREE)) {
      held = first.session;
      assertThat(first.lines.next()).as("the guest's signature to the first client").isNotNull();
      try (SsoWire second = SsoWire.open(stack, alice)) {
        assertThat(second.awaitClose(Duration.ofSeconds(5)))
            .as("the second SSO client is closed at once, never left hanging")
            .isEqualTo(4009);
        JsonNode refused = awaitAudit(second.session, "console.refused", 1).get(0);
        assertThat(refused.path("detail").toString()).contains("CONFLICT");
      }
    }
    // The first client left before authenticating: the guest ends that exchange when it sees the
    // port close, or at the latest at its own 30 s limit; the next sign-in (the last test) finds
    // the port free.
    String end = awaitEnd(mark, held);
    assertThat(end).containsPattern("^(refused code=closed|failed code=timeout) ");
    assertThat(cachesUnchanged(mark, held, end)).as(end).isTrue();
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
    assertThat(GuestSerial.tgtFlags(klist))
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

  /** The guest's {@code sso-end} line of {@code session} after {@code mark}, past the sid. */
  private static String awaitEnd(long mark, String session) throws Exception {
    return serial.await(mark, "PORTHOLE-GUEST: sso-end " + session + " (.*)$", END).group(1);
  }

  /** Whether the caches at the end of {@code session} are those at its begin. */
  private static boolean cachesUnchanged(long mark, String session, String end) throws Exception {
    String begin =
        serial
            .await(mark, "PORTHOLE-GUEST: sso-begin " + session + " caches=(\\S+)", GUEST)
            .group(1);
    return end.endsWith("caches=" + begin);
  }

  private Subject aliceSubject() throws Exception {
    Path cache = home.resolve("alice.cc");
    stack.kdc().kinit("alice", Kdc.DEMO_USERS.get("alice"), cache);
    return TicketCache.subject(cache, "alice@" + Kdc.REALM);
  }

  private static int pinSpn(String spn) throws IOException {
    return admin.send("PUT", "/vms/" + vm + "/sso", "{\"spn\":\"" + spn + "\"}").status();
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
