package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.stack.demovm.DemoVm;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.libvirt.Libvirt;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenMint;

/**
 * View-only consoles and EndConsoles against the real demo guest (deploy/local/vm) under
 * libvirt/QEMU, through the whole agent (mutual TLS, JWKS, Kafka). The guest echoes each line typed
 * on its VGA console to its serial console as {@code porthole-demo: typed <line>}, so the test sees
 * which console's keys reached it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleControlVmIT {
  private static final Path REPO =
      Path.of(System.getProperty("porthole.repo", "../..")).toAbsolutePath().normalize();

  /** Boot to the guest's first "alive" line: ~10 s under TCG; generous for loaded CI. */
  private static final Duration BOOT = Duration.ofSeconds(300);

  private static final Duration KEYS = Duration.ofSeconds(60);
  private static final Duration END = Duration.ofSeconds(20);

  @TempDir static Path dir;
  final TokenMint tokens = new TokenMint("engine-vm-it");
  final String name =
      TestDomains.PREFIX + "control-" + UUID.randomUUID().toString().substring(0, 8);
  KafkaBroker broker;
  RunningAgent running;
  ManagedChannel channel;
  ManagedChannel consoles;
  HostAgentGrpc.HostAgentBlockingStub blocking;
  HostAgentGrpc.HostAgentStub async;
  String vm;

  @BeforeAll
  void start() throws Exception {
    Libvirt.ensureRunning();
    broker = KafkaBroker.start(dir.resolve("kafka"), Ports.free(), dir.resolve("logs"));
    running = RunningAgent.withJwksOf(dir, tokens);
    running.start(broker);
    channel = running.engineChannel();
    consoles = running.proxyChannel();
    blocking = HostAgentGrpc.newBlockingStub(channel);
    async = HostAgentGrpc.newStub(consoles);
    vm = DemoVm.startTransient(REPO, name);
    await("the demo guest is up", BOOT, () -> serialLog().contains("porthole-demo: alive"));
  }

  @AfterAll
  void stop() {
    if (consoles != null) {
      consoles.shutdownNow();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    DemoVm.remove(name);
    if (running != null) {
      running.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private String serialLog() {
    try {
      Path log = DemoVm.serialLog(name);
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new AssertionError("cannot read the serial log of " + name, e);
    }
  }

  private static void await(String what, Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + limit + " waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  /** A console through the agent (security None: the token was the credential), ClientInit done. */
  private ConsoleSocket loggedIn(String token) throws Exception {
    ConsoleSocket console = ConsoleSocket.open(async, token);
    assertThat(RfbClient.noneHandshake(ByteLink.of(console.in(), console.out()))).isTrue();
    assertThat(RfbClient.clientInit(ByteLink.of(console.in(), console.out()))).isNotNull();
    return console;
  }

  private EndConsolesResponse endConsoles(String sessionId, String status, String reason) {
    return blocking.endConsoles(
        EndConsolesRequest.newBuilder()
            .setVmUuid(vm)
            .addSessionIds(sessionId)
            .setStatus(status)
            .setReason(reason)
            .build());
  }

  /** The VNC clients QEMU itself lists (HMP {@code info vnc}). */
  private int vncClients() {
    try {
      String info = Libvirt.virsh("qemu-monitor-command", name, "--hmp", "info vnc");
      return (int) info.lines().filter(l -> l.trim().startsWith("Client:")).count();
    } catch (IOException e) {
      throw new AssertionError("cannot ask QEMU for its VNC clients", e);
    }
  }

  /** A VNC login straight to QEMU, around the relay: on its unix socket (or TCP port). */
  private boolean directLogin(String password) throws IOException {
    var g =
        blocking.listDomains(ListDomainsRequest.getDefaultInstance()).getDomainsList().stream()
            .filter(d -> d.getUuid().equals(vm))
            .findFirst()
            .orElseThrow()
            .getGraphics();
    return g.getSocket().isEmpty()
        ? RfbClient.tryPassword(g.getPort(), password)
        : RfbClient.tryPassword(Path.of(g.getSocket()), password);
  }

  @Test
  void viewConsoleKeysNeverReachTheGuestWhileInteractiveKeysDo() throws Exception {
    String viewSession = "view-" + UUID.randomUUID();
    try (ConsoleSocket view = loggedIn(tokens.viewToken(viewSession, vm, running.hostId()))) {
      RfbClient.typeLine(ByteLink.of(view.in(), view.out()), "viewerkeys");
      // QEMU answers in order: once this update arrives, it has seen whatever came before it.
      assertThat(RfbClient.framebufferUpdate(ByteLink.of(view.in(), view.out())))
          .as("the view console shows the picture")
          .isZero();

      String userSession = "user-" + UUID.randomUUID();
      try (ConsoleSocket user = loggedIn(tokens.token(userSession, vm, running.hostId()))) {
        await("both consoles are connected to QEMU (shared)", END, () -> vncClients() == 2);
        RfbClient.typeLine(ByteLink.of(user.in(), user.out()), "userkeys");
        await(
            "the interactive console's line reaches the guest",
            KEYS,
            () -> serialLog().contains("porthole-demo: typed userkeys"));
      }
      // The view console's keys reached QEMU's input first (if at all) and the guest reads
      // its keyboard in order: had they passed, their line would be echoed before userkeys.
      assertThat(serialLog()).doesNotContain("viewerkeys");
    }
  }

  @Test
  void directLoginWithTheLastPasswordLibvirtHadIsRefusedWhileTheRelayWorks() throws Exception {
    try (ConsoleSocket console =
        loggedIn(tokens.viewToken("direct-" + UUID.randomUUID(), vm, running.hostId()))) {
      String xml = Libvirt.virsh("dumpxml", "--security-info", name);
      int at = xml.indexOf("passwd='");
      String last = xml.substring(at + 8, xml.indexOf('\'', at + 8));
      assertThat(xml)
          .as("the demo VM's VNC is on a unix socket only")
          .contains("type='socket'")
          .doesNotContain("port='59");
      assertThat(directLogin(last))
          .as("the password libvirt holds after the console's login")
          .isFalse();
      assertThat(RfbClient.framebufferUpdate(ByteLink.of(console.in(), console.out())))
          .as("the relay's console still shows the picture")
          .isZero();
    }
  }

  @Test
  void endConsolesEndsALiveRelayAndItsSocketAndRefusesTheSessionsNextToken() throws Exception {
    String session = "ended-" + UUID.randomUUID();
    try (ConsoleSocket console = loggedIn(tokens.token(session, vm, running.hostId()))) {
      assertThat(RfbClient.framebufferUpdate(ByteLink.of(console.in(), console.out()))).isZero();
      await("QEMU sees the console", END, () -> vncClients() == 1);

      long start = System.nanoTime();
      EndConsolesResponse r = endConsoles(session, "FORBIDDEN", "console.connect was revoked");
      Status status = console.awaitStatus();
      long relayClosedMs = (System.nanoTime() - start) / 1_000_000;
      await("QEMU's socket is closed", END, () -> vncClients() == 0);
      long socketClosedMs = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "EndConsoles: call to relay closed %d ms, to QEMU's client gone %d ms%n",
          relayClosedMs, socketClosedMs);

      assertThat(r.getEndedRelays()).isEqualTo(1);
      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(console.closeFrame().getStatus()).isEqualTo("FORBIDDEN");
      assertThat(console.closeFrame().getReason()).isEqualTo("console.connect was revoked");
    }
    assertThat(running.agent().relays().activeCount()).isZero();

    ConsoleSocket again = ConsoleSocket.open(async, tokens.token(session, vm, running.hostId()));
    assertThat(again.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(again.closeFrame().getStatus()).isEqualTo("FORBIDDEN");
    assertThat(vncClients()).as("the refused token reached no VNC server").isZero();
  }
}
