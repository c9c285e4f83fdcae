package org.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.stack.libvirt.Libvirt;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.link.TcpLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.rfb.RfbScreen;

/**
 * {@code porthole-viewer} against the real stack (KDC, Keycloak, engine, ws-proxy, host agent,
 * QEMU): Kerberos sign-in and the VM list, a {@code --proxy-only} tunnel whose picture is the VM's
 * screen, the refusal of a user without rights, another local user getting nothing from the tunnel,
 * the device-flow sign-in with its stored and refreshed tokens, and a takeover and a revocation
 * ending the viewer with their reasons and exit codes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NativeViewerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration CONNECT = Duration.ofSeconds(90);
  private static final Duration RECONNECT_BUDGET = Duration.ofSeconds(10);

  private static LocalStack stack;
  private static String vm;
  private static EngineClient admin;
  private static EngineClient alice;
  private static EngineClient bob;

  @TempDir Path home;
  private final List<NativeViewer> viewers = new ArrayList<>();
  private final List<String> aclIds = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    stack = SharedStack.get();
    vm = stack.demoVmUuid();
    admin = EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
    alice = EngineClient.as(stack.options().engineUrl(), "alice", stack::token);
    bob = EngineClient.as(stack.options().engineUrl(), "bob", stack::token);
  }

  @AfterEach
  void stopViewers() throws Exception {
    viewers.forEach(NativeViewer::close);
    for (String id : aclIds) {
      admin.send("DELETE", "/acls/" + id, null);
    }
  }

  @Test
  @Order(1)
  void aliceWithAKerberosTicketListsExactlyTheDemoVm() throws Exception {
    Map<String, String> desktop = NativeViewer.kinit(stack, home, "alice");

    NativeViewer table = viewer(desktop, "list");
    assertThat(table.exitCode(RUN)).as(table.stderr()).isZero();
    List<String> rows = table.stdout().lines().skip(1).toList();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0))
        .contains(stack.options().demoVmName())
        .contains(vm)
        .contains("interactive");

    NativeViewer json = viewer(desktop, "list", "--json");
    assertThat(json.exitCode(RUN)).as(json.stderr()).isZero();
    JsonNode listed = JSON.readTree(json.stdout());
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("id").asText()).isEqualTo(vm);
  }

  @Test
  @Order(2)
  void bobIsRefusedWithConsoleConnectNamedAndItsExitCode() throws Exception {
    NativeViewer refused =
        viewer(NativeViewer.kinit(stack, home, "bob"), "connect", vm, "--proxy-only");

    assertThat(refused.exitCode(RUN)).as(refused.stderr()).isEqualTo(4);
    assertThat(refused.stderr()).contains("console.connect");
    assertThat(refused.stdout()).doesNotContain("address");
  }

  @Test
  @Order(3)
  void unknownVmAndMissingViewerGiveOneLineAndTheirExitCodes() throws Exception {
    Map<String, String> desktop = NativeViewer.kinit(stack, home, "alice");
    NativeViewer unknown = viewer(desktop, "connect", "no-such-vm", "--proxy-only");
    assertThat(unknown.exitCode(RUN)).isEqualTo(5);
    assertThat(unknown.stderr().lines()).hasSize(1);

    desktop.put("PATH", home.toString());
    NativeViewer noViewer = viewer(desktop, "connect", vm);
    assertThat(noViewer.exitCode(RUN)).isEqualTo(8);
    assertThat(noViewer.stderr()).contains("remote-viewer was not found");
  }

  @Test
  @Order(4)
  void proxyOnlyTunnelShowsTheVmsScreenAndNothingToAnotherLocalUser() throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice"); // other tests' consoles of other users have ended
    NativeViewer tunnel =
        viewer(NativeViewer.kinit(stack, home, "alice"), "connect", vm, "--proxy-only");
    int port = Integer.parseInt(tunnel.await(NativeViewer.TUNNEL_ADDRESS, CONNECT).group(1));
    String password = tunnel.await(NativeViewer.TUNNEL_PASSWORD, CONNECT).group(1);

    String before = ForeignUserProbe.run(port);
    assertThat(before).contains("types [2]").contains("result 1");
    assertThat(bytesAfterResult(before))
        .as("only the refusal's reason follows, never a ServerInit")
        .isLessThanOrEqualTo(40);

    // The guest's console can print a line (a lock or unlock of an earlier console) while the
    // frame travels: compare with the screen just before and just after it, and pass when the
    // frame is either one, bar the text cursor's cell.
    RfbScreen shotBefore = screenshot("before");
    RfbScreen seen;
    try (TcpLink link = new TcpLink("127.0.0.1", port)) {
      seen = RfbScreen.read(link, RfbClient.direct(link, password));
    }
    RfbScreen shotAfter = screenshot("after");
    assertThat(seen.litPixels()).as("something is drawn on the VM's screen").isPositive();
    assertThat(new int[] {seen.width(), seen.height()})
        .containsExactly(shotAfter.width(), shotAfter.height());
    int[] boxBefore = seen.differenceBox(shotBefore);
    int[] boxAfter = seen.differenceBox(shotAfter);
    System.out.printf(
        "e2e: tunnel frame %dx%d vs virsh screenshot before %s, after %s%n",
        seen.width(),
        seen.height(),
        java.util.Arrays.toString(boxBefore),
        java.util.Arrays.toString(boxAfter));
    assertThat(withinCursorCell(boxBefore) || withinCursorCell(boxAfter))
        .as(
            "the frame is the screen of just before or just after, bar the text cursor's cell:"
                + " differing boxes %s and %s",
            java.util.Arrays.toString(boxBefore), java.util.Arrays.toString(boxAfter))
        .isTrue();

    String after = ForeignUserProbe.run(port);
    assertThat(after.strip()).isEqualTo("refused");
    assertThat(tunnel.exitCode(RUN)).as("the viewer closed: done").isZero();
    assertThat(tunnel.stderr()).contains("refused a local connection");
  }

  @Test
  @Order(5)
  void deviceFlowSignInStoresOwnerOnlyTokensThatRefresh() throws Exception {
    Map<String, String> desktop = NativeViewer.desktop(stack, home);
    NativeViewer login = viewer(desktop, "login");
    String url = login.await("^\\(or open (\\S+)\\)$", RUN).group(1);
    KeycloakDeviceApproval.approve(url, "alice", "demo-alice");
    assertThat(login.exitCode(RUN)).as(login.stderr()).isZero();
    assertThat(login.stdout()).contains("signed in as alice");

    Path tokens = home.resolve("config/tokens.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)))
        .isEqualTo("rw-------");
    String stored = Files.readString(tokens);
    assertThat(login.stdout() + login.stderr())
        .as("no token is printed")
        .doesNotContain(JSON.readTree(stored).path("accessToken").asText())
        .doesNotContain(JSON.readTree(stored).path("refreshToken").asText());

    // An access token past its expiry: the next command refreshes it and stores the new one.
    com.fasterxml.jackson.databind.node.ObjectNode expired =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(stored);
    expired.put("accessExpiresAt", 1);
    Files.writeString(tokens, expired.toString());
    NativeViewer list = viewer(desktop, "list");
    assertThat(list.exitCode(RUN)).as(list.stderr()).isZero();
    assertThat(list.stdout()).contains(vm);
    JsonNode refreshed = JSON.readTree(Files.readString(tokens));
    assertThat(refreshed.path("accessExpiresAt").asLong()).isGreaterThan(1);
    assertThat(refreshed.path("accessToken").asText())
        .isNotEqualTo(JSON.readTree(stored).path("accessToken").asText());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)))
        .isEqualTo("rw-------");

    NativeViewer logout = viewer(desktop, "logout");
    assertThat(logout.exitCode(RUN)).isZero();
    assertThat(tokens).doesNotExist();
  }

  @Test
  @Order(6)
  void anAclRevocationEndsTheViewerWithTheReasonAndExitCode10() throws Exception {
    aclIds.add(admin.grant("bob", vm, "console.view"));
    NativeViewer watcher =
        viewer(NativeViewer.kinit(stack, home, "bob"), "connect", vm, "--view", "--proxy-only");
    try (NativeViewer.HeldConsole held = watcher.hold(1, CONNECT)) {
      assertThat(held.session().authenticated()).as("the tunnel's client is in").isTrue();
      watcher.await("connected to", CONNECT);
      assertThat(admin.send("DELETE", "/acls/" + aclIds.remove(0), null).status()).isEqualTo(204);

      assertThat(watcher.exitCode(RUN)).as(watcher.stderr()).isEqualTo(10);
      assertThat(watcher.stderr()).contains("revoked").contains("close 4003");
    }
  }

  @Test
  @Order(7)
  void killingTheWsProxyMidConsoleReconnectsWithOneFreshTokenWithinTenSeconds() throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice");
    NativeViewer viewer =
        viewer(NativeViewer.kinit(stack, home, "alice"), "connect", vm, "--proxy-only");
    try (NativeViewer.HeldConsole first = viewer.hold(1, CONNECT)) {
      assertThat(first.session().authenticated()).as("the tunnel's client is in").isTrue();
      viewer.await("connected to", CONNECT);
      long issuedBefore = ticketsIssuedToAlice();

      Instant killed = Instant.now();
      Duration restart =
          StackProcess.killAndRestartWsProxy(
              stack.options().proxyPort(),
              stack.options().logDir().resolve("ws-proxy-restarted.log"));
      Instant listening = Instant.now();
      viewer.await("the console dropped", CONNECT);
      try (NativeViewer.HeldConsole second = viewer.hold(2, CONNECT)) {
        assertThat(second.session().authenticated()).as("the tunnel's client is in").isTrue();
        Matcher back = viewer.await("reconnected to .* after ([0-9.]+) s", CONNECT);
        Duration took = Duration.between(killed, Instant.now());
        System.out.printf(
            "e2e: ws-proxy killed to console back in %d ms: new proxy process start to listening"
                + " %d ms, listening to console back %d ms (viewer: %s s after the drop)%n",
            took.toMillis(),
            restart.toMillis(),
            Duration.between(listening, Instant.now()).toMillis(),
            back.group(1));
        assertThat(took).isLessThanOrEqualTo(RECONNECT_BUDGET);
        assertThat(ticketsIssuedToAlice() - issuedBefore)
            .as("exactly one fresh token for the reconnect")
            .isEqualTo(1);
        assertThat(viewer.alive()).isTrue();
      }
    }
  }

  @Test
  @Order(8)
  void aTakeoverEndsTheHoldersViewerWithTheReasonAndExitCode9() throws Exception {
    admin.awaitHeldOnlyBy(vm, "alice");
    NativeViewer holder =
        viewer(NativeViewer.kinit(stack, home, "alice"), "connect", vm, "--proxy-only");
    try (NativeViewer.HeldConsole held = holder.hold(1, CONNECT)) {
      assertThat(held.session().authenticated()).as("the tunnel's client is in").isTrue();
      holder.await("connected to", CONNECT);
      aclIds.add(admin.grant("bob", vm, "console.takeover"));
      EngineClient.Answer taken = bob.requestConsole(vm, "interactive", true);
      assertThat(taken.status()).as(taken.body()).isEqualTo(201);

      assertThat(holder.exitCode(RUN)).as(holder.stderr()).isEqualTo(9);
      assertThat(holder.stderr()).contains("took over").contains("bob").contains("close 4009");
    }
  }

  private NativeViewer viewer(Map<String, String> env, String... args) throws Exception {
    NativeViewer v = NativeViewer.start(env, args);
    viewers.add(v);
    return v;
  }

  private static long ticketsIssuedToAlice() throws Exception {
    return admin.audited("user=alice", "console.ticket-issued");
  }

  /** {@code virsh screenshot} of the demo VM, read as a screen. */
  private RfbScreen screenshot(String name) throws Exception {
    Path shot = home.resolve("screen-" + name + ".img");
    Libvirt.virsh("screenshot", stack.options().demoVmName(), shot.toString());
    return RfbScreen.image(shot);
  }

  /** A difference box no bigger than the text cursor's cell (or none). */
  private static boolean withinCursorCell(int[] box) {
    return box[2] <= 16 && box[3] <= 32;
  }

  private static int bytesAfterResult(String probe) {
    Matcher m = java.util.regex.Pattern.compile("bytes-after-result (\\d+)").matcher(probe);
    return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
  }
}
