package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.MessageLite;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.libvirt.Domain;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.hostagent.events.DomainEventRouter;
import org.porthole.hostagent.events.EventFactory;
import org.porthole.hostagent.events.EventSink;
import org.porthole.hostagent.events.RelayEvents;
import org.porthole.hostagent.grpc.HostAgentService;
import org.porthole.hostagent.libvirt.GraphicsEvents;
import org.porthole.hostagent.libvirt.GraphicsHandover;
import org.porthole.hostagent.libvirt.LibvirtInventory;
import org.porthole.hostagent.libvirt.LibvirtSession;
import org.porthole.hostagent.libvirt.LifecycleEvents;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.VncHandoffs;
import org.porthole.hostagent.relay.VncTargets;
import org.porthole.hostagent.ticket.GraphicsTickets;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.hostagent.ticket.TicketService;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.link.ByteLink;
import org.porthole.testsupport.link.UnixLink;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.token.ReplayGuard;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenVerifier;

/**
 * The agent's parts against real libvirt and real QEMU (TCG): inventory, passwords as QEMU enforces
 * them, GRAPHICS events through the JNA registration, and consoles whose only credential is the
 * token: the relay answers QEMU's VNC challenge with a one-time password of its own, and nothing
 * the client sees opens QEMU directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostAgentLibvirtIT {
  static final String URI = "qemu:///system";
  static final String HOST = "localhost:19443";
  static final String SAFE_VNC =
      "<graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='x'/>";

  final Clock clock = Clock.systemUTC();
  final TokenMint tokens = new TokenMint("it-key");
  final List<MessageLite> events = new CopyOnWriteArrayList<>();
  final LogCapture logs = new LogCapture();
  LibvirtSession session;
  TestDomains domains;
  String vm;
  String exposedVm;
  RelayRegistry registry;
  TicketService tickets;

  /** The last password anything set through libvirt (what an attacker on the host might learn). */
  volatile String lastSet;

  PasswordTurns turns;
  VncHandoffs handoffs;
  ConsoleRelays relays;
  DomainEventRouter router;
  GraphicsEvents graphics;
  LifecycleEvents lifecycle;
  Server server;
  ManagedChannel channel;
  HostAgentGrpc.HostAgentBlockingStub blocking;

  @BeforeAll
  void start() throws Exception {
    session = LibvirtSession.open(URI);
    domains = new TestDomains(session.connect());
    domains.sweep();
    LibvirtInventory inventory = new LibvirtInventory(session);
    tickets = new TicketService(session.connect(), clock);
    registry = new RelayRegistry(clock);
    AgentIdentity id = AgentIdentity.forThisProcess(HOST, clock.instant().minusSeconds(5));
    EventSink sink = (topic, key, value) -> events.add(value);
    EventFactory factory = new EventFactory(id, clock);
    GraphicsTickets recorded =
        new GraphicsTickets() {
          @Override
          public Instant set(String uuid, String password, int seconds) throws AgentException {
            lastSet = password;
            return tickets.set(uuid, password, seconds);
          }

          @Override
          public void expire(String uuid) throws AgentException {
            tickets.expire(uuid);
          }
        };
    turns = new PasswordTurns(recorded);
    router = new DomainEventRouter(registry, turns, inventory, sink, factory);
    graphics = GraphicsEvents.register(session, router::onGraphics, clock);
    lifecycle = LifecycleEvents.register(session, router::onLifecycle, clock);
    handoffs = new VncHandoffs(new GraphicsHandover(session)::handOver);
    relays =
        new ConsoleRelays(
            new ConsoleAuthorizer(
                new TokenVerifier(
                    new StaticKeys(tokens.publicKeys()),
                    TokenClaims.ISSUER,
                    TokenClaims.AUDIENCE,
                    clock),
                new ReplayGuard(clock),
                HOST,
                id.startedAt()),
            new VncTargets(inventory, handoffs),
            registry,
            turns,
            new ConsoleRelays.RelayLimits(8, 30, Duration.ofSeconds(10), Duration.ofSeconds(10)),
            new RelayEvents(sink, factory));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(new HostAgentService(id, inventory, relays))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    blocking = HostAgentGrpc.newBlockingStub(channel);

    // Each start costs ~45 s on machines where libvirt re-probes QEMU (see README): one here.
    vm = domains.start("vnc", SAFE_VNC).getUUIDString();
    exposedVm =
        domains
            .define("exposed", "<graphics type='vnc' autoport='yes' listen='0.0.0.0' passwd='x'/>")
            .getUUIDString();
  }

  @AfterAll
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    relays.close();
    handoffs.close();
    turns.close();
    graphics.close();
    lifecycle.close();
    router.close();
    domains.close();
    session.close();
    logs.close();
  }

  private org.porthole.api.hostagent.v1.Domain listed(String uuid) {
    return blocking.listDomains(ListDomainsRequest.getDefaultInstance()).getDomainsList().stream()
        .filter(d -> d.getUuid().equals(uuid))
        .findFirst()
        .orElseThrow(() -> new AssertionError("ListDomains does not list " + uuid));
  }

  private int vncPort() {
    return listed(vm).getGraphics().getPort();
  }

  /** Sets a VNC password as the relays' turns do (libvirt, secure XML); answers its end. */
  private long setTicket(String uuid, String password, int seconds) throws AgentException {
    return tickets.set(uuid, password, seconds).toEpochMilli();
  }

  @Test
  void listsRealDomainsAndFlagsTheExposedOne() {
    var safe = listed(vm);
    assertThat(safe.getName()).startsWith(TestDomains.PREFIX);
    assertThat(safe.getGraphics().getType()).isEqualTo("vnc");
    assertThat(safe.getGraphics().getListen()).isEqualTo("127.0.0.1");
    assertThat(safe.getGraphics().getPort()).isPositive();
    assertThat(safe.getGraphics().getExposed()).isFalse();
    assertThat(safe.getGraphics().getPasswordCapable()).isTrue();
    assertThat(listed(exposedVm).getGraphics().getExposed()).isTrue();
    assertThat(logs.all()).contains("Fix: set listen='127.0.0.1'");
  }

  @Test
  void qemuVncListensOnlyOnLoopback() throws Exception {
    int port = vncPort();
    Process ss = new ProcessBuilder("ss", "-ltnH").redirectErrorStream(true).start();
    List<String> lines =
        new String(ss.getInputStream().readAllBytes())
            .lines()
            .filter(l -> l.split("\\s+").length > 3 && l.split("\\s+")[3].endsWith(":" + port))
            .toList();
    assertThat(ss.waitFor()).isZero();
    assertThat(lines)
        .as("listeners on the VNC port " + port)
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l.split("\\s+")[3]).isEqualTo("127.0.0.1:" + port));
  }

  @Test
  void ticketPasswordOpensVncAndOthersAreRefused() throws Exception {
    setTicket(vm, "Tk7pQ2xz", 60);
    assertThat(RfbClient.tryPassword(vncPort(), "Tk7pQ2xz")).isTrue();
    assertThat(RfbClient.tryPassword(vncPort(), "wrong123")).isFalse();
    assertThat(RfbClient.tryPassword(vncPort(), "x")).as("the boot password is replaced").isFalse();
  }

  @Test
  void ticketReachesQemuWithItsValidity() throws Exception {
    long until = setTicket(vm, "Sh0rtLvd", 2);
    String xml =
        session.connect().domainLookupByUUIDString(vm).getXMLDesc(LibvirtInventory.XML_SECURE);
    int at = xml.indexOf("passwdValidTo='") + "passwdValidTo='".length();
    Instant validTo =
        java.time.LocalDateTime.parse(xml.substring(at, xml.indexOf('\'', at)))
            .toInstant(java.time.ZoneOffset.UTC);
    assertThat(validTo.toEpochMilli())
        .as("QEMU expires it by itself (a login here would expire it at once: a direct login)")
        .isEqualTo(until);
  }

  @Test
  void expiryLeavesNoPasswordValidWhateverWasSetLast() throws Exception {
    setTicket(vm, "Newer123", 60);
    assertThat(RfbClient.tryPassword(vncPort(), "Newer123")).isTrue();
    tickets.expire(vm);
    assertThat(RfbClient.tryPassword(vncPort(), "Newer123")).isFalse();
  }

  @Test
  void refusesTicketsForDomainsThatAreNotRunningOrUnknown() {
    assertRefused(() -> setTicket(exposedVm, "abc", 60), PortholeStatus.CONFLICT);
    assertRefused(
        () -> setTicket(UUID.randomUUID().toString(), "abc", 60), PortholeStatus.NOT_FOUND);
  }

  @Test
  void directLoginWithAnythingTheClientOrTheHostSawIsRefusedWhileTheRelayWorks() throws Exception {
    String sid = "session-" + UUID.randomUUID();
    var async = HostAgentGrpc.newStub(channel);
    String relayPassword;
    try (ConsoleSocket console = ConsoleSocket.open(async, tokens.viewToken(sid, vm, HOST))) {
      assertThat(RfbClient.noneHandshake(ByteLink.of(console.in(), console.out())))
          .as("the client needs no password: security None")
          .isTrue();
      relayPassword = lastSet;
      assertThat(RfbClient.clientInit(ByteLink.of(console.in(), console.out())))
          .as("QEMU's ServerInit")
          .isNotNull();
      awaitGraphics(
          e ->
              e.getSessionId().equals(sid)
                  && e.getPhase() == GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
      assertThat(graphicsEvents(sid))
          .extracting(GraphicsEvent::getPhase)
          .containsExactly(
              GraphicsPhase.GRAPHICS_PHASE_CONNECT, GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
      assertThat(graphicsEvents(sid).get(0).getClientAddress()).isEqualTo("203.0.113.9");
      assertThat(relayPassword).as("the relay set a one-time password of its own").hasSize(8);
      assertThat(RfbClient.tryPassword(vncPort(), relayPassword))
          .as("the relay's password after its console authenticated")
          .isFalse();
      assertThat(RfbClient.tryPassword(vncPort(), lastSet))
          .as("the last password libvirt was given")
          .isFalse();
      assertThat(RfbClient.tryPassword(vncPort(), "x")).as("the definition's password").isFalse();
    }
    awaitGraphics(
        e ->
            e.getSessionId().equals(sid)
                && e.getPhase() == GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
    assertThat(graphicsEvents("").stream().filter(e -> e.getVmUuid().equals(vm)))
        .as("the direct attempts are reported without a session")
        .isNotEmpty()
        .noneMatch(e -> e.getPhase() == GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    assertThat(logs.all()).doesNotContain(relayPassword).doesNotContain("passwd=");
  }

  @Test
  void twoConsolesOfOneVmOpened0To50MsApartAllAuthenticate() throws Exception {
    var async = HostAgentGrpc.newStub(channel);
    for (int gap : new int[] {0, 5, 20, 50}) {
      for (int round = 0; round < 3; round++) {
        String tag = gap + "ms-" + round;
        CompletableFuture<String> view =
            CompletableFuture.supplyAsync(
                () -> openAndInit(async, tokens.viewToken("view-" + tag, vm, HOST)));
        Thread.sleep(gap);
        CompletableFuture<String> typist =
            CompletableFuture.supplyAsync(
                () -> openAndInit(async, tokens.token("user-" + tag, vm, HOST)));
        assertThat(view.get(60, TimeUnit.SECONDS)).as("view console, " + tag).isNotNull();
        assertThat(typist.get(60, TimeUnit.SECONDS)).as("interactive console, " + tag).isNotNull();
      }
    }
  }

  /**
   * QEMU's default share policy (allow-exclusive) drops every other client when one sends an
   * exclusive ClientInit; remote-viewer does by default. The relay makes every ClientInit shared.
   */
  @Test
  void anInteractiveClientAskingForExclusiveAccessDisconnectsNoOtherConsole() throws Exception {
    var async = HostAgentGrpc.newStub(channel);
    try (ConsoleSocket watcher =
            ConsoleSocket.open(async, tokens.viewToken("watcher-" + UUID.randomUUID(), vm, HOST));
        ConsoleSocket typist =
            ConsoleSocket.open(async, tokens.token("typist-" + UUID.randomUUID(), vm, HOST))) {
      ByteLink watching = ByteLink.of(watcher.in(), watcher.out());
      ByteLink typing = ByteLink.of(typist.in(), typist.out());
      assertThat(RfbClient.noneHandshake(watching)).isTrue();
      assertThat(RfbClient.clientInit(watching)).isNotNull();
      assertThat(RfbClient.noneHandshake(typing)).isTrue();
      assertThat(RfbClient.clientInit(typing, false))
          .as("the exclusive client's ServerInit")
          .isNotNull();
      assertThat(RfbClient.framebufferUpdate(watching))
          .as("the other user's console still shows the picture (FramebufferUpdate)")
          .isZero();
      assertThat(RfbClient.framebufferUpdate(typing)).as("and so does the typist's").isZero();
    }
  }

  @Test
  void unixSocketDomainRelaysAndItsLoginIsTheRelaysNotADirectOne() throws Exception {
    Domain d =
        domains.start(
            "socket", "<graphics type='vnc' passwd='x'><listen type='socket'/></graphics>");
    String uuid = d.getUUIDString();
    var g = listed(uuid).getGraphics();
    assertThat(g.getSocket()).as("libvirt picked a socket path").isNotEmpty();
    assertThat(g.getPort()).isZero();
    assertThat(g.getExposed()).isFalse();
    String sid = "socket-" + UUID.randomUUID();
    String relayPassword;
    try (ConsoleSocket console =
        ConsoleSocket.open(HostAgentGrpc.newStub(channel), tokens.token(sid, uuid, HOST))) {
      assertThat(RfbClient.noneHandshake(ByteLink.of(console.in(), console.out()))).isTrue();
      relayPassword = lastSet;
      assertThat(RfbClient.clientInit(ByteLink.of(console.in(), console.out()))).isNotNull();
      assertThat(RfbClient.tryPassword(java.nio.file.Path.of(g.getSocket()), relayPassword))
          .as("a direct login on the socket with the relay's password")
          .isFalse();
    }
    awaitGraphics(
        e ->
            e.getSessionId().equals(sid)
                && e.getPhase() == GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
    assertThat(
            events.stream()
                .filter(GraphicsEvent.class::isInstance)
                .map(GraphicsEvent.class::cast)
                .filter(e -> e.getVmUuid().equals(uuid) && e.getSessionId().isEmpty())
                .toList())
        .as("the relay's own login on the socket is not taken for a direct one")
        .isEmpty();
    assertThat(logs.all()).doesNotContain("direct VNC login to domain " + uuid);
    aDirectLoginWhileARelayAwaitsItsClientIsReportedAsDirect(uuid, Path.of(g.getSocket()));
    d.destroy();
  }

  /**
   * A relay's login is over before its client sends anything: QEMU reported it (INITIALIZE) at the
   * agent's own ClientInit, within the relay's password turn. So a direct login on the socket while
   * the relay's client still has to send its ClientInit is reported as direct, not taken for the
   * relay's, and the waiting console then works.
   */
  private void aDirectLoginWhileARelayAwaitsItsClientIsReportedAsDirect(String uuid, Path socket)
      throws Exception {
    String sid = "socket-waiting-" + UUID.randomUUID();
    try (ConsoleSocket waiting =
        ConsoleSocket.open(HostAgentGrpc.newStub(channel), tokens.token(sid, uuid, HOST))) {
      awaitGraphics(
          e ->
              e.getSessionId().equals(sid)
                  && e.getPhase() == GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
      setTicket(uuid, "Dir3ctLn", 60);
      try (UnixLink direct = new UnixLink(socket)) {
        assertThat(RfbClient.direct(direct, "Dir3ctLn").authenticated())
            .as("a direct login with a password set for it")
            .isTrue();
      }
      awaitGraphics(
          e ->
              e.getVmUuid().equals(uuid)
                  && e.getSessionId().isEmpty()
                  && e.getPhase() == GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
      assertThat(logs.all()).contains("direct VNC login to domain " + uuid);
      ByteLink link = ByteLink.of(waiting.in(), waiting.out());
      assertThat(RfbClient.noneHandshake(link)).isTrue();
      assertThat(RfbClient.clientInit(link)).as("the waiting console works on").isNotNull();
    }
  }

  /** Opens a console through the relay, handshakes and returns QEMU's desktop name. */
  private String openAndInit(HostAgentGrpc.HostAgentStub async, String token) {
    try (ConsoleSocket console = ConsoleSocket.open(async, token)) {
      if (!RfbClient.noneHandshake(ByteLink.of(console.in(), console.out()))) {
        throw new AssertionError("security result not OK");
      }
      return RfbClient.clientInit(ByteLink.of(console.in(), console.out()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void newDomainIsReportedAndWithoutBootPasswordRefusesTickets() throws Exception {
    Domain d =
        domains.start("nopasswd", "<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>");
    String uuid = d.getUUIDString();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && lifecycleOf(uuid).isEmpty()) {
      Thread.sleep(50);
    }
    LifecycleEvent started =
        lifecycleOf(uuid).stream()
            .filter(e -> e.getDetail().startsWith("STARTED"))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError("no STARTED event for " + uuid + ": " + lifecycleOf(uuid)));
    assertThat(started.getDomain().getGraphics().getListen()).isEqualTo("127.0.0.1");
    assertThat(started.getDomain().getGraphics().getPasswordCapable()).isFalse();
    assertThat(listed(uuid).getGraphics().getPasswordCapable()).isFalse();
    assertRefused(() -> setTicket(uuid, "abc", 60), PortholeStatus.CONFLICT);
    d.destroy();
  }

  private List<LifecycleEvent> lifecycleOf(String uuid) {
    return events.stream()
        .filter(LifecycleEvent.class::isInstance)
        .map(LifecycleEvent.class::cast)
        .filter(e -> e.getVmUuid().equals(uuid))
        .toList();
  }

  private List<GraphicsEvent> graphicsEvents(String sid) {
    return events.stream()
        .filter(GraphicsEvent.class::isInstance)
        .map(GraphicsEvent.class::cast)
        .filter(e -> e.getSessionId().equals(sid))
        .toList();
  }

  private void awaitGraphics(Predicate<GraphicsEvent> p) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (events.stream()
          .filter(GraphicsEvent.class::isInstance)
          .map(GraphicsEvent.class::cast)
          .anyMatch(p)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("expected GRAPHICS event did not arrive; got " + events);
  }

  private static void assertRefused(ThrowingCall call, PortholeStatus status) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }
}
