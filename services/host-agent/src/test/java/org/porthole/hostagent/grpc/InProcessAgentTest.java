package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.porthole.hostagent.TestBytes.bytes;
import static org.porthole.hostagent.TestBytes.concat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.libvirt.FakeHypervisor;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.ConsoleTargets;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.RelayedConsole;
import org.porthole.hostagent.relay.VncHandoffs;
import org.porthole.hostagent.relay.VncTarget;
import org.porthole.hostagent.relay.VncTargets;
import org.porthole.hostagent.ticket.FakeTickets;
import org.porthole.hostagent.ticket.GraphicsTickets;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.rfb.RfbClient;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.testsupport.vnc.VncMode;
import org.porthole.testsupport.vnc.VncStandIn;
import org.porthole.token.ReplayGuard;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenVerifier;

/**
 * The gRPC service in-process (direct executor) in front of real relays and a fake VNC server on a
 * unix socket that checks the relay's VNC Authentication against the password the fake libvirt
 * holds, then echoes what reaches "QEMU"; three domains (running, stopped, exposed). Tests of the
 * service extend it; after each test it checks that the server still serves and that no console
 * stream or QEMU socket is left open.
 */
abstract class InProcessAgentTest {
  static final String HOST = "agent-1.test:9443";
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String STOPPED_VM = "1b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String EXPOSED_VM = "2b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  /** A second running domain, with its own VNC server. */
  static final String VM2 = "3b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  /** Running, VNC on 0.0.0.0 (exposed), with a password. */
  static final String EXPOSED_RUNNING_VM = "5b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  /** Running, VNC on loopback, started without a password. */
  static final String NO_PASSWORD_VM = "6b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  /** Running with VNC on a unix socket served only through libvirt, which refuses the handover. */
  static final String HANDOFF_VM = "7b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  static final String HANDOVER_REFUSED = "libvirt refused the handover (test)";

  /** The client's side of the agent's handshake: RFB 3.8, security None, ClientInit exclusive. */
  static final byte[] CLIENT_HANDSHAKE = concat(RfbClient.BANNER, bytes(1, 0));

  /**
   * The agent's answers to it: security types [None], SecurityResult OK, then the ServerInit "QEMU"
   * sent the agent, as the answer to the client's ClientInit.
   */
  static final byte[] GREETING_REPLY = concat(bytes(1, 1, 0, 0, 0, 0), VncStandIn.SERVER_INIT);

  /** The bound of every wait: generous, for a loaded 2-core machine. */
  static final Duration WAIT = Duration.ofSeconds(30);

  static final int MAX_CONSOLES = 4;
  static final int MAX_PER_VM = 3;

  @TempDir Path dir;
  final TokenMint tokens = new TokenMint("engine-key-1");
  final Instant started = Instant.now().minusSeconds(30);
  VncStandIn vnc;
  VncStandIn vnc2;
  FakeTickets tickets;
  RelayRegistry registry;
  PasswordTurns turns;
  VncHandoffs handoffs;
  ConsoleRelays relays;

  /** What the relays reported: "connected|authenticated|ended session". */
  final List<String> relayEvents = new CopyOnWriteArrayList<>();

  /** What the relays reported as refused (for the engine's audit). */
  final List<ConsoleRefusal> refused = new CopyOnWriteArrayList<>();

  Server server;
  ManagedChannel channel;
  HostAgentGrpc.HostAgentBlockingStub blocking;
  HostAgentGrpc.HostAgentStub async;

  @BeforeEach
  void start() throws Exception {
    vnc =
        VncStandIn.builder()
            .password(() -> tickets.password(VM))
            .unix(dir.resolve("vnc.sock"), VncMode.MIRROR)
            .start();
    vnc2 =
        VncStandIn.builder()
            .password(() -> tickets.password(VM2))
            .unix(dir.resolve("vnc2.sock"), VncMode.MIRROR)
            .start();
    FakeHypervisor hypervisor =
        new FakeHypervisor()
            .add(FakeHypervisor.runningOnSocket(VM, "web-1", dir.resolve("vnc.sock").toString()))
            .add(FakeHypervisor.runningOnSocket(VM2, "web-2", dir.resolve("vnc2.sock").toString()))
            .add(FakeHypervisor.stopped(STOPPED_VM, "db-1", "127.0.0.1", false))
            .add(FakeHypervisor.stopped(EXPOSED_VM, "legacy", "0.0.0.0", true))
            .add(FakeHypervisor.runningOnTcp(EXPOSED_RUNNING_VM, "open", "0.0.0.0", true, true))
            .add(FakeHypervisor.runningOnTcp(NO_PASSWORD_VM, "nopw", "127.0.0.1", false, false))
            .add(FakeHypervisor.runningOnSocket(HANDOFF_VM, "private", "/nonexistent/vnc.sock"));
    tickets = new FakeTickets(hypervisor);
    registry = new RelayRegistry(Clock.systemUTC());
    Clock clock = Clock.systemUTC();
    ConsoleAuthorizer authorizer =
        new ConsoleAuthorizer(
            new TokenVerifier(
                new StaticKeys(tokens.publicKeys()),
                TokenClaims.ISSUER,
                TokenClaims.AUDIENCE,
                clock),
            new ReplayGuard(clock),
            HOST,
            started);
    turns = new PasswordTurns(passwords(tickets), turnLimit());
    relays =
        new ConsoleRelays(
            authorizer,
            standInTargets(hypervisor),
            registry,
            turns,
            new ConsoleRelays.RelayLimits(
                MAX_CONSOLES, MAX_PER_VM, Duration.ofMillis(300), Duration.ofSeconds(5)),
            recordingListener(),
            refused::add);
    AgentIdentity identity = new AgentIdentity(HOST, "agent-1", "test", "boot-1", started);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new HostAgentService(identity, hypervisor, relays))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    blocking = HostAgentGrpc.newBlockingStub(channel);
    async = HostAgentGrpc.newStub(channel);
  }

  @AfterEach
  void serverStillServesAndNothingLeaks() throws Exception {
    assertThat(blocking.getInfo(GetInfoRequest.getDefaultInstance()).getHostId()).isEqualTo(HOST);
    awaitNoOpenRelays();
    channel.shutdownNow();
    server.shutdownNow();
    relays.close();
    turns.close();
    vnc.close();
    vnc2.close();
    handoffs.close();
  }

  /**
   * The agent's targets, except that the stand-ins' sockets are connected by path (they have no
   * libvirt to take a handed-over connection); {@link #HANDOFF_VM} keeps the handoff.
   */
  private ConsoleTargets standInTargets(FakeHypervisor hypervisor) throws AgentException {
    handoffs =
        new VncHandoffs(
            dir,
            (vm, index, fd) -> {
              throw new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, HANDOVER_REFUSED);
            });
    VncTargets agents = new VncTargets(hypervisor, handoffs);
    return vm -> {
      VncTarget t = agents.resolve(vm);
      if (t instanceof VncTarget.Handoff h && !h.vmUuid().equals(HANDOFF_VM)) {
        String socket = hypervisor.findDomain(vm).orElseThrow().graphics().orElseThrow().socket();
        return new VncTarget.Listener(UnixDomainSocketAddress.of(socket));
      }
      return t;
    };
  }

  /** What the relays' password turns call; a test may wrap the fake libvirt. */
  GraphicsTickets passwords(FakeTickets fake) {
    return fake;
  }

  /** How long a password turn may hold its VM. */
  Duration turnLimit() {
    return PasswordTurns.TURN_LIMIT;
  }

  private RelayListener recordingListener() {
    return new RelayListener() {
      @Override
      public void connected(RelayedConsole c) {
        relayEvents.add("connected " + c.sessionId());
      }

      @Override
      public void authenticated(RelayedConsole c) {
        relayEvents.add("authenticated " + c.sessionId());
      }

      @Override
      public void ended(RelayedConsole c) {
        relayEvents.add("ended " + c.sessionId());
      }
    };
  }

  void awaitNoOpenRelays() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while ((relays.activeCount() > 0 || registry.openCount() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(relays.activeCount()).as("console streams left open").isZero();
    assertThat(registry.openCount()).as("QEMU sockets left open").isZero();
  }

  /** The call fails with {@code code} and a description containing {@code text}. */
  static void assertStatus(Runnable call, Status.Code code, String text) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            io.grpc.StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(text);
            });
  }

  /** Polls {@code condition} for up to {@link #WAIT}. */
  static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("condition within " + WAIT).isTrue();
  }

  static ConsoleFrame open(String token) {
    return ConsoleFrame.newBuilder()
        .setOpen(ConsoleOpen.newBuilder().setToken(token).setClientAddress("192.0.2.7"))
        .build();
  }

  static ConsoleFrame data(byte[] bytes) {
    return ConsoleFrame.newBuilder().setData(ByteString.copyFrom(bytes)).build();
  }

  static ConsoleFrame close() {
    return ConsoleFrame.newBuilder()
        .setClose(ConsoleClose.newBuilder().setStatus("CLOSED"))
        .build();
  }

  /** Opens a console with {@code first} and returns the recorder. */
  RecordingObserver console(ConsoleFrame first, List<StreamObserver<ConsoleFrame>> keep) {
    RecordingObserver rec = new RecordingObserver();
    StreamObserver<ConsoleFrame> requests = async.openConsole(rec);
    keep.add(requests);
    if (first != null) {
      requests.onNext(first);
    }
    return rec;
  }

  /**
   * Reads the agent's banner and completes its handshake (asking for exclusive access, which the
   * agent does not pass on); returns the agent's answers.
   */
  static byte[] greet(RecordingObserver rec, StreamObserver<ConsoleFrame> req) throws Exception {
    assertThat(rec.readBytes(RfbClient.BANNER.length)).isEqualTo(RfbClient.BANNER);
    req.onNext(data(CLIENT_HANDSHAKE));
    byte[] answer = rec.readBytes(GREETING_REPLY.length);
    assertThat(answer).isEqualTo(GREETING_REPLY);
    return answer;
  }

  /** Every ClientInit "QEMU" got so far was shared, and it got {@code n} of them. */
  void assertSharedClientInits(int n) {
    assertThat(vnc.sharedClientInits()).as("shared ClientInits at QEMU").isEqualTo(n);
    assertThat(vnc.exclusiveClientInits()).as("exclusive ClientInits at QEMU").isZero();
  }

  Status openAndAwait(String token) throws Exception {
    RecordingObserver rec = console(open(token), new ArrayList<>());
    return rec.awaitStatus();
  }
}
