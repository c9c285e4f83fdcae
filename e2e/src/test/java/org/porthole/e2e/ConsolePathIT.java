package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.porthole.stack.demovm.DemoVm;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenForge;
import org.porthole.testsupport.ws.WsClient;

/**
 * The console path from the outside, on real parts: engine → host agent → QEMU under libvirt,
 * through the ws-proxy, with graphics events through Kafka. Each security test is named after the
 * attack it stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolePathIT {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(20);
  private static final int TOKEN_REJECTED = 4001;

  private static LocalStack stack;
  private static EngineClient api;
  private static String vmA;
  private static String vmB;
  private static String vmBName;
  private static final List<String> SECRETS = new ArrayList<>();

  @BeforeAll
  static void startSystem() throws Exception {
    stack = SharedStack.get();
    api = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    vmA = stack.demoVmUuid();
    vmBName = stack.options().demoVmName() + "-b";
    vmB = DemoVm.startTransient(stack.options().repoRoot(), vmBName);
    awaitListed(vmB);
  }

  @AfterAll
  static void removeSecondVm() {
    DemoVm.remove(vmBName);
  }

  @Test
  @Order(1)
  void graphicsConnectAndDisconnectReachTheEngineThroughKafka() throws Exception {
    EngineClient.Ticket t = ticket(vmA);
    assertThat(api.sessionState(t.sessionId())).isEqualTo("issued");
    try (WsClient link = console(t.token())) {
      assertThat(link.subprotocol()).isEqualTo("binary");
      RfbClient.Result r = RfbClient.throughPorthole(link);
      assertThat(r.authenticated())
          .as("the console opens with security None, no password")
          .isTrue();
      assertThat(r.width()).isGreaterThan(300);
      awaitState(t.sessionId(), "connected");
    }
    awaitState(t.sessionId(), "closed");
  }

  @Test
  @Order(2)
  void rejectsTokenUsedTwice() throws Exception {
    EngineClient.Ticket t = ticket(vmA);
    try (WsClient first = console(t.token())) {
      assertThat(RfbClient.throughPorthole(first).authenticated()).isTrue();
    }
    try (WsClient second = console(t.token())) {
      assertThat(second.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(4)
  void rejectsTokenWithChangedClaim() throws Exception {
    EngineClient.Ticket t = ticket(vmA);
    try (WsClient link = console(TokenForge.withClaim(t.token(), "sub", "someone-else"))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(5)
  void rejectsTokenForVmAUsedOnVmB() throws Exception {
    EngineClient.Ticket forA = ticket(vmA);
    EngineClient.Ticket forB = ticket(vmB);
    try (WsClient link = console(TokenForge.withClaim(forA.token(), "vm", vmB))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
    // The genuine tokens reach their own VM only: QEMU names its domain in ServerInit ("QEMU
    // (name)").
    try (WsClient link = console(forA.token())) {
      assertThat(RfbClient.throughPorthole(link).name())
          .endsWith("(" + stack.options().demoVmName() + ")");
    }
    try (WsClient link = console(forB.token())) {
      assertThat(RfbClient.throughPorthole(link).name()).endsWith("(" + vmBName + ")");
    }
  }

  @Test
  @Order(6)
  void rejectsTokenSignedWithForeignKid() throws Exception {
    EngineClient.Ticket t = ticket(vmA);
    try (WsClient link = console(TokenForge.signedByStranger(t.token()))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(7)
  void rejectsUnsignedTokenWithAlgNone() throws Exception {
    EngineClient.Ticket t = ticket(vmA);
    try (WsClient link = console(TokenForge.unsigned(t.token()))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(8)
  void rejectsForeignOrigin() throws Exception {
    EngineClient.Ticket t = ticket(vmA);
    assertThatThrownBy(
            () ->
                WsClient.open(
                    t.proxyUrl(),
                    "https://evil.example",
                    List.of("binary", "porthole.token." + t.token())))
        .isInstanceOfSatisfying(
            WsClient.Refused.class, r -> assertThat(r.httpStatus).isEqualTo(403));
  }

  @Test
  @Order(9)
  void rejectsTokenCarriedInUrl() throws Exception {
    EngineClient.Ticket t = ticket(vmA);
    // A URL lands in access logs and browser history: the proxy refuses any query string outright.
    assertThatThrownBy(
            () -> WsClient.open(t.proxyUrl() + "?token=" + t.token(), origin(), List.of("binary")))
        .isInstanceOfSatisfying(
            WsClient.Refused.class, r -> assertThat(r.httpStatus).isEqualTo(400));
  }

  @Test
  @Order(10)
  void acceptsTokenInFirstMessageAndSurvivesGarbage() throws Exception {
    try (WsClient garbage =
        WsClient.open(stack.options().proxyUrl(), origin(), List.of("binary"))) {
      garbage.sendText("not.a.token");
      assertThat(garbage.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
    try (WsClient binaryFirst =
        WsClient.open(stack.options().proxyUrl(), origin(), List.of("binary"))) {
      binaryFirst.send(new byte[] {0, 1, 2, 3});
      assertThat(binaryFirst.awaitClose(Duration.ofSeconds(10))).isIn(TOKEN_REJECTED, 1003);
    }
    EngineClient.Ticket t = ticket(vmA);
    try (WsClient link = WsClient.open(t.proxyUrl(), origin(), List.of("binary"))) {
      link.sendText(t.token());
      assertThat(RfbClient.throughPorthole(link).authenticated()).as("proxy still serves").isTrue();
    }
  }

  @Test
  @Order(11)
  void engineAnswersBadInputWithClearErrorsAndKeepsServing() throws Exception {
    EngineClient.Answer badId = api.send("POST", "/vms/not-a-uuid/consoles", "{}");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.body()).contains("\"status\"");
    EngineClient.Answer unknown =
        api.send("POST", "/vms/00000000-0000-0000-0000-000000000000/consoles", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    EngineClient.Answer malformed = api.send("POST", "/vms/" + vmA + "/consoles", "{\"oops\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(api.send("GET", "/vms", null).status()).isEqualTo(200);
    assertThat(ticket(vmA).token()).isNotBlank();
  }

  @Test
  @Order(12)
  void qemuVncOfPortholeDomainsIsAUnixSocketAndNothingListensBeyondLoopback() throws Exception {
    for (String domain : List.of(stack.options().demoVmName(), vmBName)) {
      assertThat(QemuVnc.of(domain).toString()).as("VNC of %s", domain).startsWith("unix:");
    }
    String sockets =
        org.porthole.stack.host.ChildProcess.run(List.of("ss", "-ltnpH"), Duration.ofSeconds(10));
    List<String> qemu = sockets.lines().filter(l -> l.contains("qemu-system")).toList();
    assertThat(qemu)
        .as("QEMU's TCP listeners, if any")
        .allSatisfy(
            l -> assertThat(l.split("\\s+")[3]).matches("(127\\.0\\.0\\.1|\\[::1\\]):\\d+"));
    assertThat(api.json("/vms").findValues("exposed"))
        .allSatisfy(n -> assertThat(n.asBoolean()).isFalse());
  }

  @Test
  @Order(99)
  void ticketsAndTokensAppearInNoLogLine() throws Exception {
    assertThat(SECRETS).hasSizeGreaterThan(10);
    List<Path> logs;
    try (Stream<Path> s = Files.walk(stack.options().logDir())) {
      logs = s.filter(Files::isRegularFile).toList();
    }
    assertThat(logs).hasSizeGreaterThanOrEqualTo(5);
    for (Path log : logs) {
      String text = Files.readString(log, StandardCharsets.ISO_8859_1);
      for (String secret : SECRETS) {
        assertThat(text)
            .as("%s must not contain a secret", log.getFileName())
            .doesNotContain(secret);
      }
    }
  }

  /**
   * A view ticket: these tests are about tokens, and a view session never holds the console, so the
   * tickets they leave unused do not keep other users' interactive consoles out.
   */
  private static EngineClient.Ticket ticket(String vm) throws IOException {
    EngineClient.Ticket t = EngineClient.ticketOf(api.requestConsole(vm, "view", false));
    SECRETS.add(t.token());
    SECRETS.add(t.token().split("\\.")[2]);
    SECRETS.add(TokenForge.claims(t.token()).path("jti").asText());
    return t;
  }

  private static String origin() {
    return stack.options().engineUrl();
  }

  private static WsClient console(String token) throws IOException {
    return WsClient.open(
        stack.options().proxyUrl(), origin(), List.of("binary", "porthole.token." + token));
  }

  private static void awaitState(String sessionId, String state) throws Exception {
    Instant deadline = Instant.now().plus(EVENT_WAIT);
    String seen = api.sessionState(sessionId);
    while (!seen.equals(state) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      seen = api.sessionState(sessionId);
    }
    assertThat(seen).as("session %s state", sessionId).isEqualTo(state);
  }

  private static void awaitListed(String vm) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (api.send("GET", "/vms/" + vm, null).body().contains("running")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the engine never listed VM " + vm + " as running");
  }
}
