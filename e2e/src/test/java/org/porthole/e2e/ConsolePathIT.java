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
import org.porthole.stack.DemoVm;
import org.porthole.stack.Libvirt;
import org.porthole.stack.LocalStack;

/**
 * The console path from the outside, on real parts: engine → host agent → QEMU under
 * libvirt, through the ws-proxy, with graphics events through Kafka. Each security test is
 * named after the attack it stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolePathIT {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(20);
  private static final int TOKEN_REJECTED = 4001;

  private static LocalStack stack;
  private static EngineApi api;
  private static String vmA;
  private static String vmB;
  private static String vmBName;
  private static final List<String> SECRETS = new ArrayList<>();

  @BeforeAll
  static void startSystem() throws Exception {
    stack = SharedStack.get();
    api = EngineApi.as(stack, "admin");
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
    EngineApi.Ticket t = ticket(vmA);
    assertThat(api.sessionState(t.sessionId())).isEqualTo("issued");
    try (WsLink link = console(t.token())) {
      assertThat(link.subprotocol()).isEqualTo("binary");
      VncHandshake.Result r = VncHandshake.run(link, t.password());
      assertThat(r.authenticated()).as("one-time password accepted on first use").isTrue();
      assertThat(r.width()).isGreaterThan(300);
      awaitState(t.sessionId(), "connected");
    }
    awaitState(t.sessionId(), "closed");
  }

  @Test
  @Order(2)
  void rejectsTokenUsedTwice() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    try (WsLink first = console(t.token())) {
      assertThat(VncHandshake.run(first, t.password()).authenticated()).isTrue();
    }
    try (WsLink second = console(t.token())) {
      assertThat(second.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(3)
  void rejectsPasswordReplayedAfterFirstConnection() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    try (WsLink link = console(t.token())) {
      assertThat(VncHandshake.run(link, t.password()).authenticated()).isTrue();
      awaitState(t.sessionId(), "connected");
      // Straight to QEMU on the host, with the password that just worked: expired on INITIALIZE.
      try (TcpLink direct = new TcpLink("127.0.0.1", vncPort(stack.options().demoVmName()))) {
        assertThat(VncHandshake.run(direct, t.password()).authenticated()).isFalse();
      }
    }
  }

  @Test
  @Order(4)
  void rejectsTokenWithChangedClaim() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    try (WsLink link = console(Tokens.withClaim(t.token(), "sub", "someone-else"))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(5)
  void rejectsTokenForVmAUsedOnVmB() throws Exception {
    EngineApi.Ticket forA = ticket(vmA);
    EngineApi.Ticket forB = ticket(vmB);
    try (WsLink link = console(Tokens.withClaim(forA.token(), "vm", vmB))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
    // The genuine token for A reaches A only: B's password does not open it.
    try (WsLink link = console(forA.token())) {
      assertThat(VncHandshake.run(link, forB.password()).authenticated()).isFalse();
    }
  }

  @Test
  @Order(6)
  void rejectsTokenSignedWithForeignKid() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    try (WsLink link = console(Tokens.signedByStranger(t.token()))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(7)
  void rejectsUnsignedTokenWithAlgNone() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    try (WsLink link = console(Tokens.unsigned(t.token()))) {
      assertThat(link.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
  }

  @Test
  @Order(8)
  void rejectsForeignOrigin() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    assertThatThrownBy(() -> WsLink.open(t.proxyUrl(), "https://evil.example",
        List.of("binary", "porthole.token." + t.token())))
        .isInstanceOfSatisfying(WsLink.Refused.class, r -> assertThat(r.httpStatus).isEqualTo(403));
  }

  @Test
  @Order(9)
  void rejectsTokenCarriedInUrl() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    // A URL lands in access logs and browser history: the proxy refuses any query string outright.
    assertThatThrownBy(() -> WsLink.open(t.proxyUrl() + "?token=" + t.token(), origin(), List.of("binary")))
        .isInstanceOfSatisfying(WsLink.Refused.class, r -> assertThat(r.httpStatus).isEqualTo(400));
  }

  @Test
  @Order(10)
  void acceptsTokenInFirstMessageAndSurvivesGarbage() throws Exception {
    try (WsLink garbage = WsLink.open(stack.options().proxyUrl(), origin(), List.of("binary"))) {
      garbage.sendText("not.a.token");
      assertThat(garbage.awaitClose(Duration.ofSeconds(10))).isEqualTo(TOKEN_REJECTED);
    }
    try (WsLink binaryFirst = WsLink.open(stack.options().proxyUrl(), origin(), List.of("binary"))) {
      binaryFirst.sendBinary(new byte[] {0, 1, 2, 3});
      assertThat(binaryFirst.awaitClose(Duration.ofSeconds(10))).isIn(TOKEN_REJECTED, 1003);
    }
    EngineApi.Ticket t = ticket(vmA);
    try (WsLink link = WsLink.open(t.proxyUrl(), origin(), List.of("binary"))) {
      link.sendText(t.token());
      assertThat(VncHandshake.run(link, t.password()).authenticated()).as("proxy still serves").isTrue();
    }
  }

  @Test
  @Order(11)
  void engineAnswersBadInputWithClearErrorsAndKeepsServing() throws Exception {
    EngineApi.Answer badId = api.send("POST", "/vms/not-a-uuid/consoles", "{}");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.body()).contains("\"status\"");
    EngineApi.Answer unknown = api.send("POST", "/vms/00000000-0000-0000-0000-000000000000/consoles", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    EngineApi.Answer malformed = api.send("POST", "/vms/" + vmA + "/consoles", "{\"oops\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(api.send("GET", "/vms", null).status()).isEqualTo(200);
    assertThat(ticket(vmA).token()).isNotBlank();
  }

  @Test
  @Order(12)
  void qemuVncListensOnlyOnLoopback() throws Exception {
    String sockets = org.porthole.stack.ChildProcess.run(List.of("ss", "-ltnpH"), Duration.ofSeconds(10));
    List<String> qemu = sockets.lines().filter(l -> l.contains("qemu-system")).toList();
    assertThat(qemu).as("QEMU listens for VNC").isNotEmpty();
    assertThat(qemu).allSatisfy(l -> assertThat(l.split("\\s+")[3]).matches("(127\\.0\\.0\\.1|\\[::1\\]):\\d+"));
    assertThat(api.json("/vms").findValues("exposed")).allSatisfy(n -> assertThat(n.asBoolean()).isFalse());
  }

  @Test
  @Order(13)
  void rejectsPasswordAfterTicketLifetime() throws Exception {
    EngineApi.Ticket t = ticket(vmA);
    long exp = Tokens.claims(t.token()).path("exp").asLong();
    Instant expired = Instant.ofEpochSecond(exp).plusSeconds(2);
    while (Instant.now().isBefore(expired)) {
      Thread.sleep(1000);
    }
    try (TcpLink direct = new TcpLink("127.0.0.1", vncPort(stack.options().demoVmName()))) {
      assertThat(VncHandshake.run(direct, t.password()).authenticated()).isFalse();
    }
  }

  @Test
  @Order(99)
  void ticketsTokensAndPasswordsAppearInNoLogLine() throws Exception {
    assertThat(SECRETS).hasSizeGreaterThan(10);
    List<Path> logs;
    try (Stream<Path> s = Files.walk(stack.options().logDir())) {
      logs = s.filter(Files::isRegularFile).toList();
    }
    assertThat(logs).hasSizeGreaterThanOrEqualTo(5);
    for (Path log : logs) {
      String text = Files.readString(log, StandardCharsets.ISO_8859_1);
      for (String secret : SECRETS) {
        assertThat(text).as("%s must not contain a secret", log.getFileName()).doesNotContain(secret);
      }
    }
  }

  private static EngineApi.Ticket ticket(String vm) throws IOException {
    EngineApi.Ticket t = api.openConsole(vm);
    SECRETS.add(t.token());
    SECRETS.add(t.password());
    SECRETS.add(t.token().split("\\.")[2]);
    SECRETS.add(Tokens.claims(t.token()).path("jti").asText());
    return t;
  }

  private static String origin() {
    return stack.options().engineUrl();
  }

  private static WsLink console(String token) throws IOException {
    return WsLink.open(stack.options().proxyUrl(), origin(), List.of("binary", "porthole.token." + token));
  }

  private static int vncPort(String domain) throws IOException {
    String display = Libvirt.virsh("vncdisplay", domain).strip();
    return 5900 + Integer.parseInt(display.substring(display.lastIndexOf(':') + 1));
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
