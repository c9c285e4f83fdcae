package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * Issue 10, acceptance 2: consoles of one VM no longer race for one VNC password. Two users — one
 * viewing, one interactive — open consoles of the same VM 0, 5, 20 and 50 ms apart, 50 times each,
 * and every console authenticates; a takeover and an ACL revocation end every console they target,
 * as QEMU's own client list ({@code info vnc}) shows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleRaceIT {
  private static final int[] GAPS_MS = {0, 5, 20, 50};
  private static final int ROUNDS = 50;
  private static final int CONSOLES_PER_USER = 3;
  private static final Duration OPEN_WAIT = Duration.ofSeconds(30);

  /** What QEMU's list may take to show a change: the relay's end plus one monitor round trip. */
  private static final Duration QEMU_LIST_WAIT = Duration.ofSeconds(10);

  private static LocalStack stack;
  private static EngineClient admin;
  private static EngineClient alice;
  private static EngineClient bob;
  private static String vm;
  private static String domain;
  private static ExecutorService opener;
  private final List<String> aclIds = new ArrayList<>();
  private final List<WsClient> links = new ArrayList<>();

  @BeforeAll
  static void signIn() {
    stack = SharedStack.get();
    vm = stack.demoVmUuid();
    domain = stack.options().demoVmName();
    admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    alice = EngineClient.as(stack.options().engineUrl(), "alice", stack::token);
    bob = EngineClient.as(stack.options().engineUrl(), "bob", stack::token);
    opener = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stopOpener() {
    opener.shutdownNow();
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
  void consolesOfAViewerAndATypistOpenedMillisecondsApartAllAuthenticate() throws Exception {
    grant("bob", "console.view");
    List<String> failures = new ArrayList<>();
    Instant start = Instant.now();
    for (int gap : GAPS_MS) {
      Instant gapStart = Instant.now();
      for (int round = 0; round < ROUNDS; round++) {
        // Alternate who comes first: a late view console must not disturb the typist, nor the
        // reverse.
        boolean viewFirst = round % 2 == 1;
        EngineClient.Ticket typist = alice.ticketWhenFree(vm, "interactive");
        EngineClient.Ticket viewer = bob.ticketWhenFree(vm, "view");
        EngineClient.Ticket first = viewFirst ? viewer : typist;
        EngineClient.Ticket second = viewFirst ? typist : viewer;
        CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> open(first), opener);
        if (gap > 0) {
          Thread.sleep(gap);
        }
        CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> open(second), opener);
        for (CompletableFuture<String> outcome : List.of(a, b)) {
          String failure = outcome.get(OPEN_WAIT.toSeconds() * 2, TimeUnit.SECONDS);
          if (failure != null) {
            failures.add("gap " + gap + " ms, round " + round + ": " + failure);
          }
        }
      }
      System.out.printf(
          "console-race: gap %d ms, %d rounds of 2 consoles in %d ms%n",
          gap, ROUNDS, Duration.between(gapStart, Instant.now()).toMillis());
    }
    System.out.printf(
        "console-race: %d consoles, %d failed, %d s in all%n",
        GAPS_MS.length * ROUNDS * 2,
        failures.size(),
        Duration.between(start, Instant.now()).toSeconds());
    assertThat(failures).as("consoles that did not authenticate").isEmpty();
  }

  @Test
  @Order(2)
  void aTakeoverEndsEveryConsoleOfTheHolderOnQemusOwnClientList() throws Exception {
    QemuVnc.awaitClients(domain, 0, OPEN_WAIT);
    List<WsClient> held = new ArrayList<>();
    for (int i = 0; i < CONSOLES_PER_USER; i++) {
      held.add(connect(alice.ticketWhenFree(vm, "interactive")));
    }
    QemuVnc.awaitClients(domain, CONSOLES_PER_USER, QEMU_LIST_WAIT);
    grant("bob", "console.takeover");

    Instant asked = Instant.now();
    EngineClient.Ticket taken = EngineClient.ticketOf(bob.requestConsole(vm, "interactive", true));
    long answeredMs = Duration.between(asked, Instant.now()).toMillis();
    Duration toZero = QemuVnc.awaitClients(domain, 0, QEMU_LIST_WAIT);
    System.out.printf(
        "console-race: takeover answered in %d ms; QEMU listed 0 of alice's %d clients %d ms later%n",
        answeredMs, CONSOLES_PER_USER, toZero.toMillis());
    for (WsClient link : held) {
      assertThat(link.awaitClose(Duration.ofSeconds(5)))
          .as("the holder's console ends with CONFLICT")
          .isEqualTo(4009);
    }
    WsClient taker = connect(taken);
    QemuVnc.awaitClients(domain, 1, QEMU_LIST_WAIT);
    taker.close();
    QemuVnc.awaitClients(domain, 0, QEMU_LIST_WAIT);
  }

  @Test
  @Order(3)
  void revokingTheAclEndsEveryConsoleItGrantedOnQemusOwnClientList() throws Exception {
    QemuVnc.awaitClients(domain, 0, OPEN_WAIT);
    String acl = grant("bob", "console.view");
    List<WsClient> watching = new ArrayList<>();
    for (int i = 0; i < CONSOLES_PER_USER; i++) {
      watching.add(connect(bob.ticketWhenFree(vm, "view")));
    }
    QemuVnc.awaitClients(domain, CONSOLES_PER_USER, QEMU_LIST_WAIT);

    Instant removed = Instant.now();
    EngineClient.Answer deleted = admin.send("DELETE", "/acls/" + acl, null);
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
    aclIds.remove(acl);
    QemuVnc.awaitClients(domain, 0, QEMU_LIST_WAIT);
    System.out.printf(
        "console-race: ACL removed to QEMU listing 0 of bob's %d clients in %d ms%n",
        CONSOLES_PER_USER, Duration.between(removed, Instant.now()).toMillis());
    for (WsClient link : watching) {
      assertThat(link.awaitClose(Duration.ofSeconds(5)))
          .as("the revoked console ends with FORBIDDEN")
          .isEqualTo(4003);
    }
  }

  /**
   * Opens and authenticates one console, then closes it; null when it authenticated, else why not.
   */
  private static String open(EngineClient.Ticket ticket) {
    try (WsClient link =
        WsClient.open(
            ticket.proxyUrl(),
            stack.options().engineUrl(),
            List.of("binary", "porthole.token." + ticket.token()))) {
      return RfbClient.throughPorthole(link).authenticated() ? null : "refused after security None";
    } catch (IOException | RuntimeException e) {
      return e.toString();
    }
  }

  private WsClient connect(EngineClient.Ticket ticket) throws IOException {
    WsClient link =
        WsClient.open(
            ticket.proxyUrl(),
            stack.options().engineUrl(),
            List.of("binary", "porthole.token." + ticket.token()));
    links.add(link);
    assertThat(RfbClient.throughPorthole(link).authenticated()).isTrue();
    return link;
  }

  private String grant(String user, String permission) throws IOException {
    String id = admin.grant(user, vm, permission);
    aclIds.add(id);
    return id;
  }
}
