package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.porthole.stack.demovm.DemoVm;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * Issue 4, acceptance 1, from the outside: the demo VM boots with Porthole's guest agent; a console
 * closed in headless Chromium locks the guest within 2 s + grace + 1 s (confirmed by the guest,
 * seen in the engine and on the guest's serial console); within the reconnect window a reconnect
 * needs a fresh ticket (nothing is re-armed for anyone) and the page gets one by itself after its
 * connection drops.
 *
 * <p>The VM's console policy is set through the engine (short grace so the test does not wait) and
 * put back afterwards, since the other end-to-end tests share the VM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestLockIT {
  private static final String LOCK = "lock-screen";
  private static final int GRACE_MS = 2000;

  /**
   * Long enough that the ~75 direct QEMU logins of the stray-client check fit inside it on a loaded
   * two-core machine (one took 11 s there); nothing in this class waits for the window to pass.
   */
  private static final int WINDOW_SECONDS = 60;

  /** Acceptance 1: the guest confirms the lock within 2 s + grace + 1 s of the close. */
  private static final Duration LOCK_BUDGET = Duration.ofMillis(2000 + GRACE_MS + 1000);

  /** The guest image boots under TCG and starts a JVM: generous, but bounded. */
  private static final Duration RESPONSIVE_WAIT = Duration.ofSeconds(180);

  private static final Duration CONNECT_WAIT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String LOCKED_LINE = "PORTHOLE-GUEST: locked";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalStack stack;
  private static EngineClient api;
  private static String vm;
  private static JsonNode policyBefore;

  @TempDir Path profile;

  @BeforeAll
  static void shortWindowAndResponsiveGuest() throws Exception {
    stack = SharedStack.get();
    api = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    vm = stack.demoVmUuid();
    policyBefore = api.json(policyPath());
    JsonNode set = putPolicy(LOCK, GRACE_MS, WINDOW_SECONDS);
    assertThat(set.path("disconnectAction").asText()).isEqualTo(LOCK);
    assertThat(set.path("graceMs").asInt()).isEqualTo(GRACE_MS);
    assertThat(set.path("reconnectWindowSeconds").asInt()).isEqualTo(WINDOW_SECONDS);
    assertThat(set.path("onHost").asBoolean())
        .as("the host agent took the policy (note: %s)", set.path("note").asText())
        .isTrue();
    awaitResponsiveGuest();
  }

  @AfterAll
  static void restorePolicy() throws Exception {
    if (api == null || policyBefore == null) {
      return;
    }
    JsonNode back =
        putPolicy(
            policyBefore.path("disconnectAction").asText(LOCK),
            policyBefore.path("graceMs").asInt(GRACE_MS),
            policyBefore.path("reconnectWindowSeconds").asInt(120));
    assertThat(back.path("reconnectWindowSeconds").asInt())
        .isEqualTo(policyBefore.path("reconnectWindowSeconds").asInt(120));
  }

  @Test
  @Order(1)
  void closingTheBrowserConsoleLocksTheGuestWithinGracePlusThreeSeconds() throws Exception {
    long serialLocksBefore = serialLocks();
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    Instant closed;
    Set<String> actionsBefore;
    try {
      browser.get(stack.options().engineUrl() + "/console.html?vm=" + vm);
      Browser.awaitConsoleState(browser, "connected", CONNECT_WAIT);
      // While the console is connected any earlier grace is cancelled (CONNECT), so every
      // action not yet audited now is this close's.
      actionsBefore = actionIds(api.json(guestPath()));
      closed = Instant.now();
      browser.get("about:blank");
    } finally {
      browser.quit();
    }

    JsonNode action = null;
    JsonNode guest = null;
    Instant deadline = closed.plus(LOCK_BUDGET).plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      guest = api.json(guestPath());
      action = newAction(guest, actionsBefore);
      if (action != null && guest.path("state").path("locked").asBoolean()) {
        break;
      }
      Thread.sleep(POLL.toMillis());
    }
    Instant seen = Instant.now();
    assertThat(action)
        .as("a disconnect action audited by the engine within %s of the close", LOCK_BUDGET)
        .isNotNull();
    assertThat(action.path("action").asText()).isEqualTo(LOCK);
    assertThat(action.path("confirmed").asBoolean())
        .as("guest confirmed the lock (reason: %s)", action.path("reason").asText())
        .isTrue();
    assertThat(guest.path("state").path("locked").asBoolean())
        .as("engine shows the guest locked")
        .isTrue();
    assertThat(guest.path("state").path("session").asText()).isEqualTo("locked");

    // End to end: from the page's close to the engine's answer, Kafka and polling included.
    assertThat(Duration.between(closed, seen))
        .as("close → engine shows the lock confirmed")
        .isLessThanOrEqualTo(LOCK_BUDGET);
    // The host agent's own timestamp of the confirmed outcome (same machine, same clock):
    // not before the grace ended, and within the budget.
    Instant confirmedAt = instant(action.path("occurredAt"));
    System.out.printf(
        "guest-lock: close -> host agent confirmed %d ms, close -> engine shows it %d ms%n",
        Duration.between(closed, confirmedAt).toMillis(),
        Duration.between(closed, seen).toMillis());
    assertThat(Duration.between(closed, confirmedAt))
        .as("close → host agent has the guest's confirmation")
        .isGreaterThanOrEqualTo(Duration.ofMillis(GRACE_MS - 100))
        .isLessThanOrEqualTo(LOCK_BUDGET);

    // The guest's console test backend prints a line on its serial console for each lock.
    Instant serialDeadline = Instant.now().plusSeconds(5);
    while (serialLocks() <= serialLocksBefore && Instant.now().isBefore(serialDeadline)) {
      Thread.sleep(POLL.toMillis());
    }
    assertThat(serialLocks())
        .as("'%s' lines in %s", LOCKED_LINE, DemoVm.serialLog(stack.options().demoVmName()))
        .isGreaterThan(serialLocksBefore);
  }

  @Test
  @Order(2)
  void aReconnectAsksForAFreshTokenAndNothingIsReArmedForAStrayClient() throws Exception {
    EngineClient.Ticket t = openOnceFree();
    assertThat(t.reconnectWindowSeconds())
        .as("the answer carries the VM's reconnect window")
        .isEqualTo(WINDOW_SECONDS);
    Instant closed = consoleThroughProxyThenClose(t);

    // Within the window: the old token is spent, and a client going straight to QEMU with
    // anything the ticket carried (or nothing) is refused: no password was re-armed for it.
    try (WsClient again = console(t.token())) {
      assertThat(again.awaitClose(Duration.ofSeconds(10))).as("the spent token").isEqualTo(4001);
    }
    for (String candidate : Candidates.fromTicket(t)) {
      try (ByteLink direct = QemuVnc.connect(stack.options().demoVmName())) {
        assertThat(RfbClient.direct(direct, candidate).authenticated())
            .as("a direct QEMU login within the window")
            .isFalse();
      }
    }
    assertThat(Instant.now())
        .as("still within the window")
        .isBefore(closed.plusSeconds(WINDOW_SECONDS));

    EngineClient.Ticket fresh = api.openConsole(vm);
    assertThat(fresh.token()).isNotEqualTo(t.token());
    try (WsClient link = console(fresh.token())) {
      assertThat(RfbClient.throughPorthole(link).authenticated())
          .as("a fresh ticket opens the console")
          .isTrue();
    }
  }

  @Test
  @Order(3)
  void thePageReconnectsByItselfWithAFreshTicketAfterTheConnectionDrops() throws Exception {
    ChromeDriver browser = Browser.withKerberos(profile, stack, "alice");
    try {
      browser.get(stack.options().engineUrl() + "/console.html?vm=" + vm);
      Browser.awaitConsoleState(browser, "connected", CONNECT_WAIT);
      long ticketsBefore = ticketsIssuedTo("alice");

      // Cut the browser's connection to the ws-proxy as a network failure would: the kernel
      // destroys every client socket to the proxy's port (IPv4 or IPv6) and resets its peer.
      Instant cut = Instant.now();
      org.porthole.stack.host.ChildProcess.run(
          List.of("ss", "-K", "dport", "=", ":" + stack.options().proxyPort()),
          Duration.ofSeconds(10));
      Browser.awaitConsoleState(browser, "reconnecting", Duration.ofSeconds(10));
      Browser.awaitConsoleState(browser, "connected", Duration.ofSeconds(WINDOW_SECONDS));
      System.out.printf(
          "guest-lock: the page reconnected by itself %d ms after the cut%n",
          Duration.between(cut, Instant.now()).toMillis());
      assertThat(ticketsIssuedTo("alice"))
          .as("the page asked the engine for a fresh ticket")
          .isGreaterThan(ticketsBefore);
      String html = browser.getPageSource();
      assertThat(html)
          .as("no token in the page")
          .doesNotContain("porthole.token.")
          .doesNotContain("eyJ");
    } finally {
      browser.quit();
    }
  }

  /**
   * A console of the VM once the engine has seen the previous test's browser console end: its
   * DISCONNECT reaches the engine through Kafka, so a request right after may still find the VM
   * held (409).
   */
  private static EngineClient.Ticket openOnceFree() throws Exception {
    api.awaitHeldOnlyBy(vm, api.user(), CONNECT_WAIT);
    return api.openConsole(vm);
  }

  /**
   * Opens ticket {@code t} as a Porthole console (through the ws-proxy, security None), waits until
   * the engine has it connected, closes; returns when it closed.
   */
  private static Instant consoleThroughProxyThenClose(EngineClient.Ticket t) throws Exception {
    try (WsClient link = console(t.token())) {
      assertThat(RfbClient.throughPorthole(link).authenticated())
          .as("the ticket's first use")
          .isTrue();
      awaitSession(t.sessionId(), "connected");
    }
    return Instant.now();
  }

  private static long ticketsIssuedTo(String user) throws IOException {
    return api.audited("user=" + user + "&vm=" + vm, "console.ticket-issued");
  }

  private static WsClient console(String token) throws IOException {
    return WsClient.open(
        stack.options().proxyUrl(),
        stack.options().engineUrl(),
        List.of("binary", "porthole.token." + token));
  }

  private static JsonNode putPolicy(String action, int graceMs, int windowSeconds)
      throws IOException {
    EngineClient.Answer a =
        api.send(
            "PUT",
            policyPath(),
            """
        {"disconnectAction":"%s","graceMs":%d,"reconnectWindowSeconds":%d}"""
                .formatted(action, graceMs, windowSeconds));
    if (a.status() != 200) {
      throw new IOException("PUT console-policy answered " + a.status() + ": " + a.body());
    }
    return JSON.readTree(a.body());
  }

  /**
   * Waits for the engine to show the guest agent responsive; otherwise fails naming the missing
   * part.
   */
  private static void awaitResponsiveGuest() throws Exception {
    Instant deadline = Instant.now().plus(RESPONSIVE_WAIT);
    JsonNode state = api.json(guestPath()).path("state");
    while (!state.path("responsive").asBoolean() && Instant.now().isBefore(deadline)) {
      Thread.sleep(1000);
      state = api.json(guestPath()).path("state");
    }
    if (state.path("responsive").asBoolean()) {
      return;
    }
    String missing;
    if (state.isMissingNode() || state.isNull()) {
      missing =
          "no guest state ever reached the engine: is the host agent publishing porthole.guests.v1,"
              + " and does the demo image run the guest agent (deploy/local/vm/build-demo-image.sh)?";
    } else if (!state.path("channel").asBoolean()) {
      missing = "the host agent sees no " + DemoVm.GUEST_CHANNEL + " channel on the demo domain";
    } else if (!state.path("connected").asBoolean()) {
      missing =
          "the host agent has the channel but no hello from the guest agent"
              + " (see the guest's serial log "
              + DemoVm.serialLog(stack.options().demoVmName())
              + ")";
    } else {
      missing = "the guest agent said hello but its heartbeats stopped";
    }
    throw new AssertionError(
        "guest agent of the demo VM not responsive after "
            + RESPONSIVE_WAIT
            + ": "
            + missing
            + " (last state: "
            + state
            + ")");
  }

  private static Set<String> actionIds(JsonNode guest) {
    Set<String> ids = new HashSet<>();
    guest.path("disconnectActions").forEach(a -> ids.add(a.path("eventId").asText()));
    return ids;
  }

  /** The newest disconnect action not in {@code before}, or null. */
  private static JsonNode newAction(JsonNode guest, Set<String> before) {
    for (JsonNode a : guest.path("disconnectActions")) {
      if (!before.contains(a.path("eventId").asText())) {
        return a;
      }
    }
    return null;
  }

  /** An instant as Jackson writes it: ISO-8601 text, or decimal epoch seconds. */
  private static Instant instant(JsonNode n) {
    if (n.isNumber()) {
      return Instant.ofEpochMilli(Math.round(n.asDouble() * 1000));
    }
    return Instant.parse(n.asText());
  }

  private static long serialLocks() throws IOException {
    Path log = DemoVm.serialLog(stack.options().demoVmName());
    if (!Files.exists(log)) {
      throw new AssertionError(
          "no serial log at " + log + ": the demo domain logs its serial console there");
    }
    String text = Files.readString(log, StandardCharsets.ISO_8859_1);
    long n = 0;
    for (int i = text.indexOf(LOCKED_LINE); i >= 0; i = text.indexOf(LOCKED_LINE, i + 1)) {
      n++;
    }
    return n;
  }

  private static void awaitSession(String sessionId, String state) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    String seen = api.sessionState(sessionId);
    while (!seen.equals(state) && Instant.now().isBefore(deadline)) {
      Thread.sleep(POLL.toMillis());
      seen = api.sessionState(sessionId);
    }
    assertThat(seen).as("console session state").isEqualTo(state);
  }

  private static String guestPath() {
    return "/vms/" + vm + "/guest";
  }

  private static String policyPath() {
    return "/vms/" + vm + "/console-policy";
  }
}
