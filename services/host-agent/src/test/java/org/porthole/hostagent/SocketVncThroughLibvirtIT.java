package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Domain;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.hostagent.libvirt.GraphicsHandover;
import org.porthole.hostagent.libvirt.LibvirtSession;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.libvirt.Libvirt;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.os.OpenDescriptors;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenMint;

/**
 * A VNC server on a unix socket is reached through libvirt, never through its path: the whole agent
 * (as {@code java -jar} wires it) opens consoles to a real QEMU whose socket file has been moved
 * away, so that nothing can connect to the path libvirt reports (an agent connecting by path, as
 * before, fails here). QEMU itself lists each console as its client and drops it when the console
 * ends (the agent kept no copy of the handed-over socket), and the agent's descriptors return to
 * their count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketVncThroughLibvirtIT {
  private static final String URI = "qemu:///system";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int CONSOLES = 3;

  @TempDir static Path dir;
  final TokenMint tokens = new TokenMint("engine-handoff-it");
  KafkaBroker broker;
  RunningAgent running;
  ManagedChannel engine;
  ManagedChannel proxy;
  LibvirtSession session;
  TestDomains domains;
  Domain domain;
  String vm;

  @BeforeAll
  void start() throws Exception {
    Libvirt.ensureRunning();
    broker = KafkaBroker.start(dir.resolve("kafka"), Ports.free(), dir.resolve("logs"));
    running = RunningAgent.withJwksOf(dir, tokens);
    running.start(broker);
    engine = running.engineChannel();
    proxy = running.proxyChannel();
    session = LibvirtSession.open(URI);
    domains = new TestDomains(session.connect());
    domain =
        domains.start(
            "handoff", "<graphics type='vnc' passwd='x'><listen type='socket'/></graphics>");
    vm = domain.getUUIDString();
  }

  @AfterAll
  void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdownNow();
    }
    if (engine != null) {
      engine.shutdownNow();
    }
    if (running != null) {
      running.close();
    }
    if (domains != null) {
      domains.close();
    }
    if (session != null) {
      session.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void opensUnixSocketConsolesWhoseSocketPathNobodyCanOpen() throws Exception {
    Path socket = Path.of(socketPath());
    Path moved = socket.resolveSibling(socket.getFileName() + ".moved-by-test");
    Files.move(socket, moved);
    try {
      assertThatThrownBy(() -> connectTo(socket))
          .as("the path libvirt reports leads nowhere now")
          .isInstanceOf(IOException.class);
      var async = HostAgentGrpc.newStub(proxy);
      oneConsole(async, 0); // the client's connection to the agent and its loops open here
      Set<String> before = OpenDescriptors.snapshot();
      for (int i = 1; i <= CONSOLES; i++) {
        oneConsole(async, i);
      }
      await("the agent's consoles end", () -> running.agent().relays().activeCount() == 0);
      long end = System.nanoTime() + WAIT.toNanos();
      while (!OpenDescriptors.openedSince(before).isEmpty() && System.nanoTime() < end) {
        Thread.sleep(50);
      }
      System.out.printf(
          "descriptors: %d before %d consoles, %d after%n",
          before.size(), CONSOLES, OpenDescriptors.snapshot().size());
      assertThat(OpenDescriptors.openedSince(before))
          .as("descriptors left after the consoles")
          .isEmpty();
    } finally {
      Files.move(moved, socket);
    }
  }

  @Test
  void aHandoverLibvirtRefusesIsUpstreamUnavailableWithLibvirtsReason() throws Exception {
    GraphicsHandover handover = new GraphicsHandover(session);
    int fd = Libc.INSTANCE.socket(1, 1, 0); // AF_UNIX, SOCK_STREAM
    assertThat(fd).isNotNegative();
    try {
      assertThatThrownBy(() -> handover.handOver(vm, 7, fd))
          .isInstanceOfSatisfying(
              AgentException.class,
              e -> {
                assertThat(e.status()).isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
                assertThat(e.getMessage())
                    .startsWith("libvirt could not connect the console to the VNC server of domain")
                    .doesNotEndWith("no reason given");
              });
      String gone = UUID.randomUUID().toString();
      assertThatThrownBy(() -> handover.handOver(gone, 0, fd))
          .isInstanceOfSatisfying(
              AgentException.class,
              e -> {
                assertThat(e.status()).isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
                assertThat(e.getMessage()).contains(gone);
              });
      assertThat(handover.handedOver()).isZero();
    } finally {
      Libc.INSTANCE.close(fd);
    }
  }

  /** A console through the agent: logged in, QEMU's picture, QEMU's client until it ends. */
  private void oneConsole(HostAgentGrpc.HostAgentStub async, int i) throws Exception {
    String sid = "handoff-" + i + "-" + UUID.randomUUID();
    try (ConsoleSocket console =
        ConsoleSocket.open(async, tokens.token(sid, vm, running.hostId()))) {
      ByteLink link = ByteLink.of(console.in(), console.out());
      assertThat(RfbClient.noneHandshake(link)).as("console " + i + " logged in").isTrue();
      assertThat(RfbClient.clientInit(link)).as("QEMU's ServerInit").isNotNull();
      assertThat(RfbClient.framebufferUpdate(link)).as("QEMU's picture").isZero();
      await("QEMU lists the console as its client", () -> vncClients() == 1);
    }
    await("QEMU sees the console's socket close", () -> vncClients() == 0);
  }

  /** libc, for a descriptor to hand over. */
  interface Libc extends Library {
    Libc INSTANCE = Native.load("c", Libc.class);

    int socket(int domain, int type, int protocol);

    int close(int fd);
  }

  private String socketPath() {
    String path =
        HostAgentGrpc.newBlockingStub(engine)
            .listDomains(ListDomainsRequest.getDefaultInstance())
            .getDomainsList()
            .stream()
            .filter(d -> d.getUuid().equals(vm))
            .findFirst()
            .orElseThrow()
            .getGraphics()
            .getSocket();
    assertThat(path).as("libvirt picked a socket path").isNotEmpty();
    return path;
  }

  private static void connectTo(Path socket) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
    }
  }

  /** The VNC clients QEMU itself lists (HMP {@code info vnc}). */
  private int vncClients() {
    try {
      String info = Libvirt.virsh("qemu-monitor-command", vm, "--hmp", "info vnc");
      return (int) info.lines().filter(l -> l.trim().startsWith("Client:")).count();
    } catch (IOException e) {
      throw new AssertionError("cannot ask QEMU for its VNC clients", e);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + WAIT + " waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
