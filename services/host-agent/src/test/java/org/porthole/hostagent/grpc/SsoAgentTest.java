package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.guest.GuestChannels;
import org.porthole.hostagent.guest.GuestSockets;
import org.porthole.hostagent.guest.GuestTimings;
import org.porthole.hostagent.libvirt.FakeHypervisor;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.RelayedConsole;
import org.porthole.hostagent.relay.VncTarget;
import org.porthole.hostagent.sso.LiveSessions;
import org.porthole.hostagent.sso.SsoLimits;
import org.porthole.hostagent.sso.SsoRelays;
import org.porthole.hostagent.ticket.FakeTickets;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.guest.FakeGuest;
import org.porthole.testsupport.guest.FakeSsoPort;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.token.ReplayGuard;
import org.porthole.token.StaticKeys;
import org.porthole.token.TokenVerifier;

/**
 * The SSO relays in-process (direct executor) behind the real gRPC service: a fake guest agent on
 * its control channel (real {@link GuestChannels}) and its SSO port ({@link FakeSsoPort}) in a temp
 * dir; the session's console is made live or ended through {@link LiveSessions}, as the console
 * relays' events would. After each test: the server still serves, no stream and no claim is left.
 */
abstract class SsoAgentTest {
  static final String HOST = "agent-1.test:9443";
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String SPN = "host/vm1.porthole.test@PORTHOLE.TEST";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final GuestTimings TIMINGS =
      new GuestTimings(
          Duration.ofMillis(100),
          30,
          Duration.ofSeconds(10),
          Duration.ofMillis(20),
          Duration.ofMillis(200));

  @TempDir Path dir;
  final TokenMint tokens = new TokenMint("engine-key-1");
  final Instant started = Instant.now().minusSeconds(30);
  final List<ConsoleRefusal> refused = new CopyOnWriteArrayList<>();
  final LiveSessions live = new LiveSessions();
  FakeGuest guest;
  FakeSsoPort port;
  GuestChannels channels;
  PasswordTurns turns;
  ConsoleRelays relays;
  SsoRelays sso;
  Server server;
  ManagedChannel channel;
  HostAgentGrpc.HostAgentBlockingStub blocking;
  HostAgentGrpc.HostAgentStub async;

  /** The limits of the relays under test; short ones for the limit tests. */
  SsoLimits limits() {
    return SsoLimits.defaults(8);
  }

  @BeforeEach
  void start() throws Exception {
    guest = new FakeGuest(dir.resolve("guest.sock"), Duration.ofMillis(100));
    guest.spn(SPN);
    port = new FakeSsoPort(dir.resolve("sso.sock")).listen();
    guest.ssoPort(port);
    guest.listen();
    channels = guestChannels(Map.of(VM, guest.socket()));
    channels.scan();
    FakeHypervisor hypervisor =
        new FakeHypervisor()
            .add(FakeHypervisor.runningOnSocket(VM, "web-1", dir.resolve("vnc.sock").toString()));
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
    turns = new PasswordTurns(new FakeTickets(hypervisor));
    relays =
        new ConsoleRelays(
            authorizer,
            SsoAgentTest::noVnc,
            new RelayRegistry(clock),
            turns,
            new ConsoleRelays.RelayLimits(8, 4, Duration.ofSeconds(5), Duration.ofSeconds(5)),
            live,
            refused::add);
    sso = new SsoRelays(relays, live, channels, vm -> ssoSocket(vm), refused::add, limits());
    channels.addSsoListener(sso::guestFinished);
    AgentIdentity identity = new AgentIdentity(HOST, "agent-1", "test", "boot-1", started);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new HostAgentService(
                    identity, hypervisor, relays, channels, new ConsolePolicies(), null, sso))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    blocking = HostAgentGrpc.newBlockingStub(channel);
    async = HostAgentGrpc.newStub(channel);
    awaitTrue(() -> channels.state(VM).responsive() && !channels.state(VM).spn().isEmpty());
  }

  private static GuestChannels guestChannels(Map<String, Path> control) {
    return new GuestChannels(
        new GuestSockets() {
          @Override
          public List<String> runningDomains() {
            return List.copyOf(control.keySet());
          }

          @Override
          public Optional<Path> controlSocket(String vmUuid) {
            return Optional.ofNullable(control.get(vmUuid));
          }
        },
        TIMINGS,
        Clock.systemUTC(),
        "0.2.0-test",
        s -> {});
  }

  /** The VM's SSO port; a test may take it away. */
  Optional<Path> ssoSocket(String vm) {
    return VM.equals(vm) ? Optional.of(port.socket()) : Optional.empty();
  }

  private static VncTarget noVnc(String vm) throws AgentException {
    throw new AgentException(PortholeStatus.CONFLICT, "no VNC in SSO tests");
  }

  @AfterEach
  void serverStillServesAndNothingLeaks() throws Exception {
    assertThat(blocking.getInfo(GetInfoRequest.getDefaultInstance()).getHostId()).isEqualTo(HOST);
    awaitTrue(() -> sso.activeCount() == 0 && sso.claimedPorts() == 0);
    channel.shutdownNow();
    server.shutdownNow();
    sso.close();
    relays.close();
    turns.close();
    channels.close();
    guest.close();
    port.close();
  }

  /** The session's interactive console relays now (as the console relays would announce it). */
  void consoleLive(String sid) {
    live.authenticated(console(sid));
  }

  /** The session's console ended. */
  void consoleEnded(String sid) {
    live.ended(console(sid));
  }

  private static RelayedConsole console(String sid) {
    return new RelayedConsole(sid, VM, "alice", false, "192.0.2.7", Instant.now());
  }

  /** An SSO token of {@code sid} for the VM, with the demo SSO claims. */
  String ssoToken(String sid) {
    return tokens.sign(
        TokenClaims.forHost(HOST).withConsole(sid, VM).withSso(TokenClaims.Sso.demo()));
  }

  /** Opens an SSO stream with {@code token}; the request observer is kept in {@code keep}. */
  RecordingObserver openSso(String token, List<StreamObserver<ConsoleFrame>> keep) {
    RecordingObserver rec = new RecordingObserver();
    StreamObserver<ConsoleFrame> requests = async.openSso(rec);
    keep.add(requests);
    requests.onNext(InProcessAgentTest.open(token));
    return rec;
  }

  /** The signature line the fake guest writes first. */
  static String signature() {
    return "{\"type\":\"signature\",\"min\":1,\"max\":1,\"nonce\":\""
        + TokenClaims.Sso.demo().nonce()
        + "\"}\n";
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("condition within " + WAIT).isTrue();
  }
}
