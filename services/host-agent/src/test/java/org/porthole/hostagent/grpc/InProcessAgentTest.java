package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.ConsoleClose;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsoleOpen;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.libvirt.FakeHypervisor;
import org.porthole.hostagent.relay.ConsoleAuthorizer;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.relay.ConsoleTokens;
import org.porthole.hostagent.relay.FakeVncServer;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.VncTargets;
import org.porthole.hostagent.ticket.FakeTickets;
import org.porthole.token.ReplayGuard;

/**
 * The gRPC service in-process (direct executor) in front of real relays and a fake VNC server
 * on a unix socket that echoes what reaches "QEMU"; three domains (running, stopped, exposed).
 * Tests of the service extend it; after each test it checks that the server still serves and
 * that no console stream or QEMU socket is left open.
 */
abstract class InProcessAgentTest {
  static final String HOST = "agent-1.test:9443";
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String STOPPED_VM = "1b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String EXPOSED_VM = "2b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final int MAX_CONSOLES = 4;

  @TempDir Path dir;
  final ConsoleTokens tokens = new ConsoleTokens("engine-key-1");
  final Instant started = Instant.now().minusSeconds(30);
  FakeVncServer vnc;
  FakeTickets tickets;
  RelayRegistry registry;
  ConsoleRelays relays;
  Server server;
  ManagedChannel channel;
  HostAgentGrpc.HostAgentBlockingStub blocking;
  HostAgentGrpc.HostAgentStub async;

  @BeforeEach
  void start() throws Exception {
    vnc = FakeVncServer.start(dir.resolve("vnc.sock"));
    FakeHypervisor hypervisor = new FakeHypervisor()
        .add(FakeHypervisor.runningOnSocket(VM, "web-1", vnc.socket().toString()))
        .add(FakeHypervisor.stopped(STOPPED_VM, "db-1", "127.0.0.1", false))
        .add(FakeHypervisor.stopped(EXPOSED_VM, "legacy", "0.0.0.0", true));
    tickets = new FakeTickets(hypervisor);
    registry = new RelayRegistry(Clock.systemUTC());
    Clock clock = Clock.systemUTC();
    ConsoleAuthorizer authorizer =
        new ConsoleAuthorizer(tokens.verifier(clock), new ReplayGuard(clock), HOST, started);
    relays = new ConsoleRelays(authorizer, new VncTargets(hypervisor), registry, MAX_CONSOLES,
        Duration.ofMillis(300));
    AgentIdentity identity = new AgentIdentity(HOST, "agent-1", "test", "boot-1", started);
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new HostAgentService(identity, hypervisor, tickets, relays)).build().start();
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
    vnc.close();
  }

  void awaitNoOpenRelays() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while ((relays.activeCount() > 0 || registry.openCount() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(relays.activeCount()).as("console streams left open").isZero();
    assertThat(registry.openCount()).as("QEMU sockets left open").isZero();
  }

  static ConsoleFrame open(String token) {
    return ConsoleFrame.newBuilder()
        .setOpen(ConsoleOpen.newBuilder().setToken(token).setClientAddress("192.0.2.7")).build();
  }

  static ConsoleFrame data(byte[] bytes) {
    return ConsoleFrame.newBuilder().setData(ByteString.copyFrom(bytes)).build();
  }

  static ConsoleFrame close() {
    return ConsoleFrame.newBuilder().setClose(ConsoleClose.newBuilder().setStatus("CLOSED")).build();
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

  Status openAndAwait(String token) throws Exception {
    RecordingObserver rec = console(open(token), new ArrayList<>());
    return rec.awaitStatus();
  }
}
