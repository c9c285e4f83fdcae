package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.porthole.stack.demovm.DemoVm;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.stack.launcher.SecondHost;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.ws.WsClient;

/**
 * A VM with two open consoles — alice's in Chromium, bob's view through {@code porthole-viewer} —
 * is live-migrated from the stack's libvirt to a second libvirt host with its own host agent
 * ({@link SecondHost}). Both consoles continue on the destination by themselves within 10 s of the
 * migration's end, each with a fresh ticket; the engine moves the VM, ends the old host's sessions
 * and audits the move; a ticket issued before the move is refused; and QEMU on the destination has
 * a VNC password that is set and expired (never empty, never handed to a client).
 */
class LiveMigrationIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration BOOT = Duration.ofSeconds(240);
  private static final Duration CONNECT = Duration.ofSeconds(90);
  private static final Duration CONTINUE_BUDGET = Duration.ofSeconds(10);

  /** The destination's wait for the console's user (the engine's MIGRATION_RETURN_MS), and 2 s. */
  private static final Duration RETURN_WAIT = Duration.ofSeconds(17);

  private static final Pattern GRAPHICS = Pattern.compile("<graphics type='vnc'[^>]*>");
  private static final Pattern PASSWD = Pattern.compile("\\bpasswd='([^']*)'");
  private static final Pattern VALID_TO = Pattern.compile("\\bpasswdValidTo='([^']+)'");

  private final LocalStack stack = SharedStack.get();
  private final EngineClient admin =
      EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
  private final EngineClient alice =
      EngineClient.as(stack.options().engineUrl(), "alice", stack::token);
  private final List<String> aclIds = new ArrayList<>();

  @TempDir Path profile;
  @TempDir Path home;

  @Test
  void bothConsolesContinueOnTheDestinationAndTheOldHostRefusesOldTickets() throws Exception {
    String domain = "porthole-e2e-move-" + ProcessHandle.current().pid();
    String hostA = stack.options().agentHostId();
    try (SecondHost hostB = stack.startSecondHost("b")) {
      String vm = DemoVm.startTransient(stack.options().repoRoot(), domain);
      ChromeDriver browser = null;
      NativeViewer viewer = null;
      try {
        awaitHost(vm, hostA, BOOT);
        aclIds.add(admin.grant("alice", vm, "console.connect"));
        aclIds.add(admin.grant("bob", vm, "console.view"));

        browser = Browser.withKerberos(profile, stack, "alice");
        browser.get(stack.options().engineUrl() + "/console.html?vm=" + vm);
        Browser.awaitConsoleState(browser, "connected", CONNECT);
        viewer =
            NativeViewer.start(
                NativeViewer.kinit(stack, home, "bob"), "connect", vm, "--view", "--proxy-only");
        try (NativeViewer.HeldConsole before = viewer.hold(1, CONNECT)) {
          assertThat(before.session().authenticated()).as("bob's tunnel before").isTrue();
          viewer.await("connected to", CONNECT);
          QemuVnc.awaitClients(domain, 2, WAIT);
          EngineClient.Ticket unused =
              EngineClient.ticketOf(admin.requestConsole(vm, "view", false));
          List<String> sessionsOnA = openSessions(vm);
          assertThat(sessionsOnA).as("alice's and bob's sessions").hasSize(2);
          long aliceTickets = audited("alice", vm, "console.ticket-issued");
          long bobTickets = audited("bob", vm, "console.ticket-issued");

          Instant moved = migrateAndAwaitBothBack(hostB, domain, vm, browser, viewer, aliceTickets);
          assertThat(audited("bob", vm, "console.ticket-issued")).isEqualTo(bobTickets + 1);
          assertThat(admin.json("/vms/" + vm).path("hostId").asText()).isEqualTo(hostB.hostId());
          for (String session : sessionsOnA) {
            JsonNode closed = admin.json("/consoles/" + session);
            assertThat(closed.path("state").asText()).as("session %s", session).isEqualTo("closed");
            // The relay's own DISCONNECT may close it first; else the move does.
            assertThat(closed.path("closeReason").asText()).isIn("disconnected", "migrated");
          }
          assertMoveAudited(vm, hostA, hostB.hostId());
          assertThat(admin.json("/consoles/" + unused.sessionId()).path("closeReason").asText())
              .as("the unused ticket's session")
              .isEqualTo("migrated");
          assertOldTicketRefused(unused);
          assertPasswordSetAndExpired(hostB, domain);
          assertNoDisconnectAction(vm, moved.plus(RETURN_WAIT));
        }
      } finally {
        if (browser != null) {
          browser.quit();
        }
        if (viewer != null) {
          viewer.close();
        }
        for (String id : aclIds) {
          admin.send("DELETE", "/acls/" + id, null);
        }
        DemoVm.remove(domain);
      }
    }
  }

  /**
   * Migrates the VM and waits for both consoles to be back on the destination, within {@link
   * #CONTINUE_BUDGET} of the migration's end.
   */
  private Instant migrateAndAwaitBothBack(
      SecondHost hostB,
      String domain,
      String vm,
      ChromeDriver browser,
      NativeViewer viewer,
      long aliceTickets)
      throws Exception {
    Instant started = Instant.now();
    hostB.migrateHere(domain);
    Instant ended = Instant.now();
    System.out.printf(
        "e2e-migration: virsh migrate took %d ms%n", Duration.between(started, ended).toMillis());

    Matcher dropped = viewer.await("the console dropped: (.*)", CONNECT);
    System.out.printf("e2e-migration: porthole-viewer said: %s%n", dropped.group(1));
    try (NativeViewer.HeldConsole after = viewer.hold(2, CONNECT)) {
      assertThat(after.session().authenticated()).as("bob's tunnel after").isTrue();
      viewer.await("reconnected to", CONNECT);
      Duration viewerBack = Duration.between(ended, Instant.now());
      awaitBrowserReconnected(browser, vm, aliceTickets);
      Duration pageBack = Duration.between(ended, Instant.now());
      QemuVnc.awaitClients(hostB.libvirt()::virsh, domain, 2, WAIT);
      System.out.printf(
          "e2e-migration: after the migration's end, porthole-viewer back in %d ms, the"
              + " page in %d ms%n",
          viewerBack.toMillis(), pageBack.toMillis());
      assertThat(viewerBack).as("porthole-viewer back").isLessThan(CONTINUE_BUDGET);
      assertThat(pageBack).as("the page back").isLessThan(CONTINUE_BUDGET);
    }
    return ended;
  }

  /**
   * Alice came back on the destination: neither host applied the VM's disconnect action (the source
   * does not act on a VM that left; the destination's wait for her ended with her console), checked
   * once the destination's wait is over.
   */
  private void assertNoDisconnectAction(String vm, Instant waitOver) throws Exception {
    Duration left = Duration.between(Instant.now(), waitOver);
    if (!left.isNegative()) {
      Thread.sleep(left.toMillis());
    }
    JsonNode actions = admin.json("/vms/" + vm + "/guest").path("disconnectActions");
    assertThat(actions.isArray()).as("the guest view lists disconnect actions").isTrue();
    assertThat(actions).as("disconnect actions on the migrated VM").isEmpty();
  }

  /** One {@code vm.moved} row names both hosts. */
  private void assertMoveAudited(String vm, String from, String to) throws Exception {
    List<JsonNode> moves = new ArrayList<>();
    for (JsonNode e : admin.json("/audit?vm=" + vm + "&limit=1000")) {
      if ("vm.moved".equals(e.path("kind").asText())) {
        moves.add(e);
      }
    }
    assertThat(moves).as("vm.moved rows").hasSize(1);
    assertThat(moves.get(0).path("detail").path("fromHost").asText()).isEqualTo(from);
    assertThat(moves.get(0).path("detail").path("toHost").asText()).isEqualTo(to);
  }

  /** Waits until the engine lists {@code vm} running on {@code hostId}. */
  private void awaitHost(String vm, String hostId, Duration limit) throws Exception {
    Instant deadline = Instant.now().plus(limit);
    String seen = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        JsonNode v = admin.json("/vms/" + vm);
        seen = v.path("hostId").asText() + " " + v.path("state").asText();
        if (seen.equals(hostId + " running")) {
          return;
        }
      } catch (java.io.IOException e) {
        seen = e.getMessage();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("VM " + vm + " not running on " + hostId + " in time: " + seen);
  }

  /** The page is connected again on a ticket issued after {@code ticketsBefore}. */
  private void awaitBrowserReconnected(ChromeDriver browser, String vm, long ticketsBefore)
      throws Exception {
    Instant deadline = Instant.now().plus(CONNECT);
    while (Instant.now().isBefore(deadline)) {
      if (audited("alice", vm, "console.ticket-issued") > ticketsBefore) {
        Browser.awaitConsoleState(browser, "connected", Duration.between(Instant.now(), deadline));
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the page asked for no fresh ticket within " + CONNECT);
  }

  /** A view ticket issued for the old host, never used: the proxy and old host refuse it. */
  private void assertOldTicketRefused(EngineClient.Ticket unused) throws Exception {
    try (WsClient link =
        WsClient.open(
            unused.proxyUrl(),
            stack.options().engineUrl(),
            List.of("binary", "porthole.token." + unused.token()))) {
      boolean in;
      try {
        in = RfbClient.throughPorthole(link).authenticated();
      } catch (java.io.IOException e) {
        in = false;
      }
      assertThat(in).as("a ticket issued before the move").isFalse();
      Integer code = link.awaitClose(WAIT);
      System.out.printf(
          "e2e-migration: the old ticket was refused with %s %s%n", code, link.closeReason());
      assertThat(code).isIn(4001, 4004);
    }
  }

  /** The destination QEMU's VNC password: set (never empty) and already expired. */
  private static void assertPasswordSetAndExpired(SecondHost hostB, String domain)
      throws Exception {
    String xml = hostB.libvirt().virsh("dumpxml", "--security-info", domain);
    Matcher graphics = GRAPHICS.matcher(xml);
    assertThat(graphics.find()).as("VNC graphics on the destination").isTrue();
    Matcher passwd = PASSWD.matcher(graphics.group());
    assertThat(passwd.find()).as("a VNC password on the destination").isTrue();
    assertThat(passwd.group(1)).isNotEmpty();
    Matcher validTo = VALID_TO.matcher(graphics.group());
    assertThat(validTo.find()).as("the password's expiry").isTrue();
    assertThat(Instant.parse(validTo.group(1) + "Z")).isBefore(Instant.now());
  }

  private List<String> openSessions(String vm) throws Exception {
    List<String> open = new ArrayList<>();
    for (JsonNode s : admin.json("/consoles?limit=200")) {
      if (vm.equals(s.path("vmId").asText()) && "connected".equals(s.path("state").asText())) {
        open.add(s.path("sessionId").asText());
      }
    }
    return open;
  }

  private long audited(String user, String vm, String kind) throws Exception {
    return admin.audited("user=" + user + "&vm=" + vm, kind);
  }
}
