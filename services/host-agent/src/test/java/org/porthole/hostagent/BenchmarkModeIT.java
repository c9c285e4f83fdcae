package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.config.Settings;
import org.porthole.grpcflow.ConnectionWindow;
import org.porthole.hostagent.bench.BenchmarkBackend;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.stack.host.Ports;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.testsupport.vnc.VncMode;
import org.porthole.testsupport.vnc.VncStandIn;

/**
 * The agent on the benchmark's hypervisor double ({@code kafka.bootstrap=none}) behind a real
 * loopback gRPC server with mutual TLS and a real JWKS endpoint, relaying to a loopback TCP
 * backend: token checks stay on, memory and threads stay bounded, consoles do not starve each
 * other, and sockets and threads return to their baseline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchmarkModeIT {
  private static final String VM = "00000000-0000-4000-8000-000000000001";

  /** The test client's HTTP/2 window: what a client that stopped reading lets pile up. */
  private static final int CLIENT_WINDOW = 64 * 1024;

  private static final int CLIENT_CONNECTION_WINDOW = 64 * 1024 * 1024;

  @TempDir static Path dir;
  final TokenMint tokens = new TokenMint("engine-bench");
  VncStandIn backend;
  JwksServer jwks;
  HostAgent agent;
  String hostId;
  ManagedChannel channel;
  ManagedChannel engineChannel;
  final NioEventLoopGroup clientLoop = new NioEventLoopGroup(1);
  HostAgentGrpc.HostAgentStub stub;
  final List<BenchConsole> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    backend = VncStandIn.builder().tcp(VncMode.CHOSEN_BY_CLIENT).start();
    jwks = JwksServer.start(tokens);
    int port = Ports.free();
    hostId = "localhost:" + port;
    Map<String, String> s = new HashMap<>();
    s.put("porthole.agent.port", Integer.toString(port));
    s.put("porthole.agent.admin-port", "0");
    s.put(BenchmarkBackend.CONSOLE_BACKEND, "127.0.0.1:" + backend.port(VncMode.CHOSEN_BY_CLIENT));
    s.put("porthole.kafka.bootstrap", "none");
    s.put("porthole.pki.dir", dir.resolve("pki").toString());
    s.put("porthole.jwks.url", jwks.url().toString());
    Settings settings = Settings.of(s);
    agent = HostAgent.start(settings, BenchmarkBackend.from(settings));
    Settings pki = Settings.of(Map.of("porthole.pki.dir", dir.resolve("pki").toString()));
    ServiceIdentity agentId = ServiceIdentity.hostAgent(hostId);
    TlsFiles client = TlsFiles.resolve(pki, ServiceIdentity.wsProxy());
    engineChannel =
        Grpc.newChannelBuilderForAddress(
                "localhost",
                port,
                TlsFiles.resolve(pki, ServiceIdentity.engine()).channelCredentials(agentId))
            .build();
    // Like ws-proxy's channels: a small window per console, a wide one for the connection, so
    // that a console whose client reads slowly cannot stall its siblings' replies.
    channel =
        NettyChannelBuilder.forAddress("localhost", port, client.channelCredentials(agentId))
            .directExecutor()
            .flowControlWindow(CLIENT_WINDOW)
            .channelFactory(
                () -> {
                  NioSocketChannel ch = new NioSocketChannel();
                  ConnectionWindow.install(ch, CLIENT_CONNECTION_WINDOW);
                  return ch;
                })
            .eventLoopGroup(clientLoop)
            .build();
    stub = HostAgentGrpc.newStub(channel);
  }

  @AfterAll
  void stop() {
    if (engineChannel != null) {
      engineChannel.shutdownNow();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    if (agent != null) {
      agent.close();
    }
    if (jwks != null) {
      jwks.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @AfterEach
  void nothingLeftOpen() throws InterruptedException {
    for (BenchConsole c : opened) {
      if (!c.status.isDone()) {
        c.cancel(); // a failed test leaves consoles open: do not blame the next one
      }
    }
    opened.clear();
    assertThat(await(() -> relays().activeCount() == 0 && backend.open() == 0, 10_000))
        .as("consoles left open: agent %d, backend %d", relays().activeCount(), backend.open())
        .isTrue();
  }

  private ConsoleRelays relays() {
    return agent.relays();
  }

  private BenchConsole console(byte mode, boolean autoRead) {
    // A VM per console, as the bench's tokens do: per-VM caps and password turns are per VM.
    BenchConsole c =
        BenchConsole.open(
            stub,
            tokens.token("s-" + UUID.randomUUID(), UUID.randomUUID().toString(), hostId),
            mode,
            autoRead);
    opened.add(c);
    return c;
  }

  @Test
  void benchmarkModeHasNoDomainsSoPreparesNoConsole() {
    HostAgentGrpc.HostAgentBlockingStub blocking = HostAgentGrpc.newBlockingStub(engineChannel);
    assertThat(blocking.listDomains(ListDomainsRequest.getDefaultInstance()).getDomainsCount())
        .isZero();
    assertThat(blocking.getInfo(GetInfoRequest.getDefaultInstance()).getHypervisorUri())
        .isEqualTo("none");
    assertThatThrownBy(
            () ->
                blocking.prepareConsole(
                    PrepareConsoleRequest.newBuilder()
                        .setVmUuid(VM)
                        .setSessionId("s")
                        .setMode("view")
                        .setValidSeconds(60)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void wsProxyCannotCallTheEngineMethodsAndTheEngineCannotOpenConsoles() throws Exception {
    HostAgentGrpc.HostAgentBlockingStub proxy = HostAgentGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> proxy.getInfo(GetInfoRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () ->
                proxy.endConsoles(
                    EndConsolesRequest.newBuilder().setVmUuid(VM).addSessionIds("s").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    BenchConsole fromEngine =
        BenchConsole.open(
            HostAgentGrpc.newStub(engineChannel),
            tokens.token("s-" + UUID.randomUUID(), VM, hostId),
            VncMode.ECHO.letter(),
            true);
    assertThat(fromEngine.status.get(10, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void benchmarkModeStillRejectsForgedReplayedAndMisaddressedTokens() throws Exception {
    String forged = new TokenMint("engine-bench").token("s", VM, hostId);
    String otherHost = tokens.token("s", VM, "localhost:1");
    for (String bad : List.of(forged, otherHost, "not.a.token")) {
      BenchConsole c = BenchConsole.open(stub, bad, VncMode.ECHO.letter(), true);
      assertThat(c.status.get(5, TimeUnit.SECONDS).isOk()).isFalse();
    }
    String once = tokens.token("s", VM, hostId);
    BenchConsole first = BenchConsole.open(stub, once, VncMode.ECHO.letter(), true);
    first.send(new byte[] {1});
    assertThat(first.awaitReceived(1, 5000)).isTrue();
    BenchConsole replay = BenchConsole.open(stub, once, VncMode.ECHO.letter(), true);
    assertThat(replay.status.get(5, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    first.close();
    assertThat(first.status.get(5, TimeUnit.SECONDS).isOk()).isTrue();
  }

  @Test
  void slowReaderDoesNotGrowAgentMemory() throws Exception {
    long fromBackendBefore = relays().bytesFromBackend();
    long sentBefore = backend.sourcedBytes();
    BenchConsole slow = console(VncMode.SOURCE.letter(), false);
    assertThat(slow.awaitReceived(1, 5000)).as("the first chunk arrives").isTrue();
    // The backend keeps sending until its socket is full: then its send must stall.
    assertThat(await(stalled(backend::sourcedBytes), 20_000))
        .as("the backend's send blocks once the reader stopped")
        .isTrue();
    long read = relays().bytesFromBackend() - fromBackendBefore;
    Thread.sleep(1000);
    assertThat(relays().bytesFromBackend() - fromBackendBefore)
        .as("the agent stopped reading from the backend")
        .isEqualTo(read);
    assertThat(relays().bufferedBytes())
        .as("bytes read from the backend, not yet handed to gRPC")
        .isLessThanOrEqualTo(16 * 1024);
    // What the agent read is bounded by the client's window plus gRPC's 32 KiB on-ready threshold
    // and one chunk; everything else waits in the kernel's socket buffers.
    assertThat(read)
        .as("bytes the agent took from the backend")
        .isLessThanOrEqualTo(CLIENT_WINDOW * 2 + 64 * 1024);
    System.out.printf(
        "slow reader: backend sent %,d bytes before blocking, agent read %,d,"
            + " client got %,d, agent buffers %,d%n",
        backend.sourcedBytes() - sentBefore, read, slow.received(), relays().bufferedBytes());
    slow.cancel();
  }

  @Test
  void floodOfTinyFramesDoesNotStarveAnotherConsole() throws Exception {
    BenchConsole flood = console(VncMode.ECHO.letter(), true);
    BenchConsole victim = console(VncMode.ECHO.letter(), true);
    byte[] tiny = new byte[64];
    Thread flooder =
        new Thread(
            () -> {
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
              while (System.nanoTime() < end && !flood.status.isDone()) {
                if (flood.clientReady()) {
                  flood.send(tiny);
                } else {
                  java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
              }
            },
            "flooder");
    flooder.start();
    // Measure once the flood is in full swing and the relay's code is compiled: in a cold JVM
    // the first echo beside a starting flood took 0.5-0.8 s, all of it JIT warm-up.
    Thread.sleep(1000);
    long[] rtt = new long[40];
    for (int i = 0; i < rtt.length; i++) {
      long start = System.nanoTime();
      victim.send(tiny);
      assertThat(victim.awaitReceived(64L * (i + 1), 2000)).as("echo %d within 2 s", i).isTrue();
      rtt[i] = System.nanoTime() - start;
      Thread.sleep(50);
    }
    flooder.join(10_000);
    Arrays.sort(rtt);
    System.out.printf(
        "64-byte echo beside a flood of 64-byte frames: p50 %.2f ms, max %.2f ms;"
            + " flood echoed %,d bytes%n",
        rtt[rtt.length / 2] / 1e6, rtt[rtt.length - 1] / 1e6, flood.received());
    assertThat(flood.received()).as("the flood really flowed").isGreaterThan(64 * 1024);
    assertThat(rtt[rtt.length / 2])
        .as("median round trip")
        .isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
    // Starved, the echo would wait for the 4 s flood to end; on 2 shared cores a scheduling
    // hiccup can still take a few hundred ms.
    assertThat(rtt[rtt.length - 1])
        .as("slowest round trip")
        .isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
    flood.close();
    victim.close();
    assertThat(flood.status.get(5, TimeUnit.SECONDS).isOk()).isTrue();
    assertThat(victim.status.get(5, TimeUnit.SECONDS).isOk()).isTrue();
  }

  @Test
  void socketsAndThreadsReturnToBaselineAfter500Consoles() throws Exception {
    openEchoAndClose(20, 20); // warm-up: lazily started pools and event loops
    assertThat(await(() -> relays().activeCount() == 0 && backend.open() == 0, 10_000)).isTrue();
    int threads = threads();
    long fds = openFds();
    List<String> names = threadNames();
    openEchoAndClose(500, 50);
    boolean back = await(() -> threads() <= threads + 5 && openFds() <= fds + 10, 10_000);
    System.out.printf(
        "500 consoles: threads %d -> %d, fds %d -> %d%n", threads, threads(), fds, openFds());
    List<String> added = new ArrayList<>(threadNames());
    names.forEach(added::remove);
    assertThat(back)
        .as(
            "threads %d (baseline %d, new: %s), fds %d (baseline %d)",
            threads(), threads, added, openFds(), fds)
        .isTrue();
  }

  @Test
  void idleConsolesCostNoThread() throws Exception {
    openEchoAndClose(20, 20);
    assertThat(await(() -> relays().activeCount() == 0 && backend.open() == 0, 10_000)).isTrue();
    int n = 2000;
    System.gc();
    long heap = usedHeap();
    int threads = threads();
    long fds = openFds();
    List<BenchConsole> idle = new ArrayList<>();
    for (int i = 0; i < n; i += 200) {
      List<BenchConsole> batch = new ArrayList<>();
      for (int j = 0; j < 200; j++) {
        BenchConsole c = console(VncMode.ECHO.letter(), true);
        c.send(new byte[] {7});
        batch.add(c);
      }
      for (BenchConsole c : batch) {
        assertThat(c.awaitReceived(1, 10_000)).as("console relaying").isTrue();
      }
      idle.addAll(batch);
    }
    Thread.sleep(500);
    System.gc();
    int dThreads = threads() - threads;
    long dFds = openFds() - fds;
    long dHeap = usedHeap() - heap;
    System.out.printf(
        "%d idle consoles: threads %+d, fds %+d (%.2f per console, the backend's"
            + " end included), heap %+,d bytes (%,d per console, client and backend included)%n",
        n, dThreads, dFds, dFds / (double) n, dHeap, dHeap / n);
    assertThat(relays().activeCount()).isEqualTo(n);
    assertThat(dThreads).as("threads added by %d idle consoles", n).isLessThanOrEqualTo(5);
    for (BenchConsole c : idle) {
      c.close();
    }
    for (BenchConsole c : idle) {
      assertThat(c.status.get(10, TimeUnit.SECONDS).isOk()).isTrue();
    }
  }

  /** Opens {@code total} echo consoles {@code batch} at a time: a few bytes each way, close. */
  private void openEchoAndClose(int total, int batch) throws Exception {
    byte[] hello = "abcdefgh".getBytes(StandardCharsets.US_ASCII);
    for (int done = 0; done < total; done += batch) {
      List<BenchConsole> open = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        BenchConsole c = console(VncMode.ECHO.letter(), true);
        c.send(hello);
        open.add(c);
      }
      for (BenchConsole c : open) {
        assertThat(c.awaitReceived(hello.length, 10_000)).as("echo through the relay").isTrue();
        c.close();
      }
      for (BenchConsole c : open) {
        assertThat(c.status.get(10, TimeUnit.SECONDS).isOk()).isTrue();
      }
    }
  }

  private static BooleanSupplier stalled(java.util.function.LongSupplier counter) {
    long[] last = {-1};
    long[] since = {System.nanoTime()};
    return () -> {
      long now = counter.getAsLong();
      if (now != last[0]) {
        last[0] = now;
        since[0] = System.nanoTime();
        return false;
      }
      return now > 0 && System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(1);
    };
  }

  private static boolean await(BooleanSupplier condition, long ms) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList();
  }

  private static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc/self/fd", e);
    }
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
