package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.porthole.stack.demovm.DemoVm;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * Issue 3 through the real path (engine → ws-proxy → host agent → QEMU → guest): per-VM rights
 * decide what a console may do, a view-only console's keys never reach the guest, an ACL removed
 * while its console is open ends that console, and a takeover ends the holder's console. The demo
 * guest echoes every line typed on its first console to its serial log ({@code porthole-demo: typed
 * <line>}), which is how the test sees what reached the guest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessThroughProxyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TYPED = "porthole-demo: typed ";

  /** Acceptance 3: an ACL removed while its console is open ends it within 5 s. */
  private static final Duration REVOKE_BUDGET = Duration.ofSeconds(5);

  private static final Duration ECHO_WAIT = Duration.ofSeconds(30);
  private static final int KEY_EVENT = 4;
  private static final int KEYSYM_RETURN = 0xff0d;

  private static LocalStack stack;
  private static EngineClient admin;
  private static EngineClient alice;
  private static EngineClient bob;
  private static String vm;
  private final List<WsClient> links = new ArrayList<>();
  private final List<String> aclIds = new ArrayList<>();

  @BeforeAll
  static void signIn() {
    stack = SharedStack.get();
    vm = stack.demoVmUuid();
    admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    alice = EngineClient.as(stack.options().engineUrl(), "alice", stack::token);
    bob = EngineClient.as(stack.options().engineUrl(), "bob", stack::token);
  }

  @AfterEach
  void closeAndRevoke() throws IOException {
    links.forEach(WsClient::close);
    for (String id : aclIds) {
      admin.send("DELETE", "/acls/" + id, null);
    }
  }

  @Test
  @Order(1)
  void aViewOnlyConsolesKeysNeverReachTheGuestWhileAnInteractiveOnesDo() throws Exception {
    grant("bob", "console.view");
    EngineClient.Answer bobInteractive = bob.requestConsole(vm, "interactive", false);
    assertThat(bobInteractive.status()).as(bobInteractive.body()).isEqualTo(403);
    assertThat(message(bobInteractive)).contains("console.connect");

    // The watcher types before the typist even connects: had its keys reached the guest, they
    // would be echoed before the typist's line.
    WsClient watcher = connect(EngineClient.ticketOf(bob.requestConsole(vm, "view", false)));
    String watcherLine = "viewonly" + digits();
    type(watcher, watcherLine);
    WsClient typist = connect(alice.ticketWhenFree(vm, "interactive"));
    String typistLine = "alicetyped" + digits();
    type(typist, typistLine);

    Instant deadline = Instant.now().plus(ECHO_WAIT);
    while (!serial().contains(TYPED + typistLine) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
    }
    assertThat(serial())
        .as("the interactive console's line reached the guest (%s)", serialLog())
        .contains(TYPED + typistLine);
    assertThat(serial())
        .as("the view-only console's keys are dropped before QEMU")
        .doesNotContain(watcherLine);
    assertThat(watcher.awaitClose(Duration.ofMillis(200)))
        .as("the watcher keeps watching")
        .isNull();
  }

  @Test
  @Order(2)
  void removingTheAclEndsTheOpenConsoleWithinFiveSeconds() throws Exception {
    String acl = grant("bob", "console.view");
    WsClient watcher = connect(EngineClient.ticketOf(bob.requestConsole(vm, "view", false)));
    assertThat(watcher.awaitClose(Duration.ofMillis(300))).isNull();

    Instant removed = Instant.now();
    EngineClient.Answer deleted = admin.send("DELETE", "/acls/" + acl, null);
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
    aclIds.remove(acl);
    Integer code = watcher.awaitClose(REVOKE_BUDGET.plusSeconds(5));
    Duration took = Duration.between(removed, Instant.now());
    System.out.printf("e2e: ACL removed to console closed (%s) in %d ms%n", code, took.toMillis());
    assertThat(code).as("close code of the revoked console").isEqualTo(4003);
    assertThat(took).isLessThanOrEqualTo(REVOKE_BUDGET);
    assertThat(bob.requestConsole(vm, "view", false).status()).isEqualTo(403);
  }

  @Test
  @Order(3)
  void aTakeoverNeedsConsoleTakeoverAndEndsTheHoldersConsole() throws Exception {
    WsClient holder = connect(alice.ticketWhenFree(vm, "interactive"));
    grant("bob", "console.connect");

    EngineClient.Answer refused = bob.requestConsole(vm, "interactive", false);
    assertThat(refused.status()).as(refused.body()).isEqualTo(403);
    assertThat(message(refused)).contains("console.takeover").contains("alice");
    assertThat(holder.awaitClose(Duration.ofMillis(300)))
        .as("a refused request leaves the holder alone")
        .isNull();

    grant("bob", "console.takeover");
    EngineClient.Answer ask = bob.requestConsole(vm, "interactive", false);
    assertThat(ask.status())
        .as("with the right but without takeover:true the page must ask: %s", ask.body())
        .isEqualTo(409);
    assertThat(holder.awaitClose(Duration.ofMillis(300))).isNull();

    Instant asked = Instant.now();
    EngineClient.Ticket taken = EngineClient.ticketOf(bob.requestConsole(vm, "interactive", true));
    Integer code = holder.awaitClose(Duration.ofSeconds(10));
    System.out.printf(
        "e2e: takeover request to the holder's console closed (%s) in %d ms%n",
        code, Duration.between(asked, Instant.now()).toMillis());
    assertThat(code).as("the holder's console ends with CONFLICT").isEqualTo(4009);
    assertThat(holder.closeReason()).contains("bob");
    WsClient newHolder = connect(taken);
    assertThat(newHolder.awaitClose(Duration.ofMillis(300)))
        .as("the taker's console works")
        .isNull();
  }

  // --- helpers ---

  private String grant(String user, String permission) throws IOException {
    String id = admin.grant(user, vm, permission);
    aclIds.add(id);
    return id;
  }

  private WsClient connect(EngineClient.Ticket t) throws IOException {
    WsClient link =
        WsClient.open(
            t.proxyUrl(),
            stack.options().engineUrl(),
            List.of("binary", "porthole.token." + t.token()));
    links.add(link);
    RfbClient.Result r = RfbClient.throughPorthole(link);
    assertThat(r.authenticated()).as("the console opens with security None").isTrue();
    return link;
  }

  /** Types {@code line} and Return as RFB key events (down and up for each key). */
  private static void type(WsClient link, String line) {
    ByteBuffer keys = ByteBuffer.allocate((line.length() + 1) * 16);
    for (char c : line.toCharArray()) {
      key(keys, c);
    }
    key(keys, KEYSYM_RETURN);
    link.write(keys.array());
  }

  private static void key(ByteBuffer keys, int keysym) {
    for (int down = 1; down >= 0; down--) {
      keys.put((byte) KEY_EVENT).put((byte) down).putShort((short) 0).putInt(keysym);
    }
  }

  private static String digits() {
    return Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
  }

  private static String message(EngineClient.Answer a) throws IOException {
    JsonNode n = JSON.readTree(a.body());
    return n.path("message").asText();
  }

  private static Path serialLog() {
    return DemoVm.serialLog(stack.options().demoVmName());
  }

  private static String serial() throws IOException {
    return Files.exists(serialLog())
        ? Files.readString(serialLog(), StandardCharsets.ISO_8859_1)
        : "";
  }
}
