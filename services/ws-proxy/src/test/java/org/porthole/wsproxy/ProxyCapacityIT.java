package org.porthole.wsproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.config.Settings;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.AgentServers;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.testsupport.ws.WsClient;
import org.porthole.wsproxy.admission.AdmissionLimits;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.refusal.KafkaRefusals;
import org.porthole.wsproxy.server.ProxyApplication;

/**
 * Resource bounds of the real proxy (loopback sockets, JWKS over HTTP, fake host agents over
 * mutual-TLS gRPC): a browser that stops reading pins a bounded number of bytes, hundreds of
 * consoles leave no sockets or threads behind, and a flood of tiny frames does not starve a
 * neighbour; connections that never authenticate are capped per client address and in total, and
 * refused at once, while authenticated consoles go on.
 */
class ProxyCapacityIT {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int CHUNK = 64 * 1024;

  /** Unauthenticated WebSocket opens of one flood. */
  private static final int FLOOD = 1000;

  /** A refused open must have its answer within this (2-core machine shared with builds). */
  private static final Duration REFUSED_WITHIN = Duration.ofSeconds(3);

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir static Path dir;

  private static final TokenMint TOKENS = new TokenMint("capacity-key");
  private static JwksServer jwks;
  private final List<Server> agents = new ArrayList<>();
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void startJwks() throws IOException {
    jwks = JwksServer.start(TOKENS);
  }

  @AfterAll
  static void stopJwks() {
    jwks.close();
  }

  @AfterEach
  void closeClientsAndAgents() {
    clients.forEach(WsClient::close);
    agents.forEach(Server::shutdownNow);
  }

  private static ProxyApplication proxy(int pingSeconds) throws InterruptedException {
    return proxy(pingSeconds, Map.of());
  }

  private static ProxyApplication proxy(int pingSeconds, Map<String, String> more)
      throws InterruptedException {
    Map<String, String> values =
        new HashMap<>(
            Map.of(
                "porthole.pki.dir",
                dir.resolve("pki").toString(),
                "porthole.proxy.port",
                "0",
                "porthole.proxy.admin-port",
                "0",
                "porthole.proxy.ping-seconds",
                Integer.toString(pingSeconds),
                "porthole.jwks.url",
                "http://127.0.0.1:" + jwks.port() + "/api/v1/jwks",
                "porthole.kafka.bootstrap",
                KafkaRefusals.OFF));
    values.putAll(more);
    return ProxyApplication.start(Settings.of(values));
  }

  private static URI uri(ProxyApplication proxy) {
    return URI.create("ws://127.0.0.1:" + proxy.server().address().getPort() + "/v1/console");
  }

  private String agent(BindableService service) throws Exception {
    Server server = AgentServers.start(dir.resolve("pki"), service, true);
    agents.add(server);
    return AgentServers.hostId(server);
  }

  private WsClient client(URI uri, String host) throws Exception {
    WsClient client = WsClient.connect(uri, ProxyFixtures.ORIGIN, TOKENS.sign(host));
    clients.add(client);
    assertThat(client.handshakeStatus()).isEqualTo(101);
    return client;
  }

  @Test
  void slowBrowserDoesNotGrowProxyMemory() throws Exception {
    try (ProxyApplication proxy = proxy(30)) {
      FloodAgent flood = new FloodAgent();
      WsClient browser = client(uri(proxy), agent(flood));
      browser.reading(false);

      awaitTrue(() -> flood.sent.get() > 0, "agent started sending");
      long stalled = awaitStable(flood.sent);
      assertThat(flood.readyNow()).as("agent is not asked for more").isFalse();
      Thread.sleep(1000);
      assertThat(flood.sent.get()).as("agent still stalled a second later").isEqualTo(stalled);
      long held = proxy.server().gauge().heldForClients();
      long peak = proxy.server().gauge().peakHeldForClients();
      System.out.printf(
          "slow browser: agent stalled after %d bytes; proxy holds %d bytes for it (peak %d)%n",
          stalled, held, peak);
      assertThat(peak)
          .as("bytes the proxy ever held for the non-reading browser")
          .isLessThanOrEqualTo(CHUNK);
      assertThat(stalled)
          .as("agent bytes pinned between agent and browser (kernel buffers included)")
          .isLessThan(32L << 20);

      browser.reading(true);
      browser.awaitBytes((int) stalled + 1, WAIT);
      assertThat(browser.isOpen()).isTrue();
      assertThat(proxy.server().gauge().peakHeldForClients()).isLessThanOrEqualTo(CHUNK);
    }
  }

  @Test
  void socketsAndThreadsReturnToBaselineAfter500Consoles() throws Exception {
    // Batches of 50 from one address: on a loaded machine more than the default 32 of them can
    // still be verifying their token at once, and this test counts resources, not the cap.
    try (ProxyApplication proxy = proxy(5, Map.of(AdmissionLimits.KEY_PER_ADDRESS, "1000"))) {
      FakeHostAgent fake = new FakeHostAgent();
      String host = agent(fake);
      URI uri = uri(proxy);
      openAndClose(uri, host, 20, 20); // warm: agent channel, event loops, client group
      awaitTrue(() -> fake.activeConsoles() == 0, "warm-up calls ended");
      Thread.sleep(500);
      long fds = openFileDescriptors();
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();

      openAndClose(uri, host, 500, 50);
      assertThat(fake.consoleCalls()).isEqualTo(520);

      awaitTrue(
          () ->
              fake.activeConsoles() == 0
                  && openFileDescriptors() <= fds + 4
                  && ManagementFactory.getThreadMXBean().getThreadCount() <= threads + 2,
          () ->
              "agent calls active "
                  + fake.activeConsoles()
                  + ", fds "
                  + openFileDescriptors()
                  + " (baseline "
                  + fds
                  + " +4), threads "
                  + ManagementFactory.getThreadMXBean().getThreadCount()
                  + " (baseline "
                  + threads
                  + " +2)");
      System.out.printf(
          "after 500 consoles: fds %d (baseline %d), threads %d (baseline %d)%n",
          openFileDescriptors(),
          fds,
          ManagementFactory.getThreadMXBean().getThreadCount(),
          threads);
    }
  }

  @Test
  void floodOfTinyFramesDoesNotStarveAnotherConsole() throws Exception {
    try (ProxyApplication proxy = proxy(30)) {
      CountingEcho echo = new CountingEcho();
      String host = agent(echo);
      URI uri = uri(proxy);
      WsClient flooder = client(uri, host);
      WsClient typist = client(uri, host);
      typist.firstData().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      flooder.firstData().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      int base = typist.receivedCount();

      AtomicBoolean flooding = new AtomicBoolean(true);
      Thread flood = new Thread(() -> flood(flooder, flooding), "tiny-frame-flood");
      flood.start();
      long worstNanos = 0;
      byte[] keystroke = new byte[64];
      try {
        awaitTrue(
            () -> echo.bytes.get() > 100_000,
            "100,000 one-byte frames of the flood reached the agent");
        for (int i = 1; i <= 50; i++) {
          long t0 = System.nanoTime();
          typist.send(keystroke);
          typist.awaitBytes(base + i * keystroke.length, WAIT);
          worstNanos = Math.max(worstNanos, System.nanoTime() - t0);
        }
      } finally {
        flooding.set(false);
        flood.join(WAIT.toMillis());
      }
      System.out.printf(
          "tiny-frame flood: %d one-byte frames reached the agent in %d data frames;"
              + " worst typist round trip %d ms%n",
          echo.bytes.get(), echo.frames.get(), TimeUnit.NANOSECONDS.toMillis(worstNanos));
      assertThat(worstNanos)
          .as("worst round trip of the other console during the flood")
          .isLessThan(TimeUnit.SECONDS.toNanos(1));
      assertThat(flooder.isOpen()).isTrue();
    }
  }

  @Test
  void floodOfUnauthenticatedOpensFromOneAddressIsCappedAndRefusedQuickly() throws Exception {
    // A long deadline: the flood, not the deadline, must be what the cap holds back.
    try (ProxyApplication proxy = proxy(30, Map.of(AdmissionLimits.KEY_DEADLINE_SECONDS, "120"))) {
      URI uri = uri(proxy);
      String host = agent(new CountingEcho());
      WsClient before = client(uri, host);
      before.firstData().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      long fds = openFileDescriptors();

      Flood flood = flood(uri, FLOOD, i -> LOOPBACK);
      int perAddress = AdmissionLimits.DEFAULTS.perAddress();
      System.out.printf(
          "flood from one address: %d opens, %d upgraded and held, %d refused 429 (slowest refusal "
              + "%d ms after its connect), whole flood %d ms%n",
          FLOOD, flood.count(101), flood.count(429), flood.slowestRefusalMillis(), flood.millis);
      assertThat(flood.count(101)).as("upgraded without a token and held").isEqualTo(perAddress);
      assertThat(flood.count(429)).as("refused with 429").isEqualTo(FLOOD - perAddress);
      assertThat(flood.slowestRefusalMillis())
          .as("slowest refusal")
          .isLessThan(REFUSED_WITHIN.toMillis());
      assertThat(proxy.server().unauthenticated().held()).isEqualTo(perAddress);
      // A refused connection is closed by the proxy right after its 429; the client sees the
      // close a moment later, so wait for the refused ones to go rather than count at once.
      awaitTrue(
          () -> flood.heldOpen() == perAddress,
          () -> "flood connections still open: " + flood.heldOpen() + ", want " + perAddress);

      assertEchoes(before, "typed during the flood");
      WsClient meanwhile = clientFrom(uri, host, InetAddress.getByName("127.0.0.2"));
      assertEchoes(meanwhile, "a console opened during the flood");
      assertThat(proxy.server().unauthenticated().held())
          .as("authenticated consoles leave the count")
          .isEqualTo(perAddress);

      flood.close();
      awaitTrue(
          () -> proxy.server().unauthenticated().held() == 0 && openFileDescriptors() <= fds + 4,
          () ->
              "held "
                  + proxy.server().unauthenticated().held()
                  + ", fds "
                  + openFileDescriptors()
                  + " (baseline "
                  + fds
                  + " + 4)");
    }
  }

  @Test
  void floodOfUnauthenticatedOpensFromManyAddressesIsCappedInTotal() throws Exception {
    int total = 256;
    try (ProxyApplication proxy =
        proxy(
            30,
            Map.of(
                AdmissionLimits.KEY_DEADLINE_SECONDS,
                "120",
                AdmissionLimits.KEY_TOTAL,
                Integer.toString(total)))) {
      URI uri = uri(proxy);
      String host = agent(new CountingEcho());
      WsClient before = client(uri, host);
      before.firstData().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

      // 40 client addresses, 25 opens each: every address stays under its own cap of 32.
      Flood flood =
          flood(
              uri,
              FLOOD,
              i -> InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + i % 40)}));
      System.out.printf(
          "flood from 40 addresses: %d opens, %d held, %d refused 503 (slowest refusal %d ms), "
              + "whole flood %d ms%n",
          FLOOD, flood.count(101), flood.count(503), flood.slowestRefusalMillis(), flood.millis);
      assertThat(flood.count(101)).isEqualTo(total);
      assertThat(flood.count(503)).isEqualTo(FLOOD - total);
      assertThat(flood.slowestRefusalMillis()).isLessThan(REFUSED_WITHIN.toMillis());
      assertThat(proxy.server().unauthenticated().held()).isEqualTo(total);
      assertEchoes(before, "typed while the proxy is at its cap");
      flood.close();
      awaitTrue(() -> proxy.server().unauthenticated().held() == 0, "every place given back");
    }
  }

  @Test
  void connectionsThatNeverAuthenticateAreClosedAtTheDeadline() throws Exception {
    try (ProxyApplication proxy = proxy(30, Map.of(AdmissionLimits.KEY_DEADLINE_SECONDS, "2"))) {
      URI uri = uri(proxy);
      List<Socket> silent = new ArrayList<>();
      List<WsClient> tokenless = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          silent.add(new Socket("127.0.0.1", uri.getPort()));
          WsClient client = WsClient.connect(uri, ProxyFixtures.ORIGIN, "binary", null, true, null);
          tokenless.add(client);
          assertThat(client.handshakeStatus()).isEqualTo(101);
        }
        for (WsClient client : tokenless) {
          assertThat(client.awaitClose(WAIT)).isEqualTo(4001);
        }
        for (Socket socket : silent) {
          socket.setSoTimeout((int) WAIT.toMillis());
          assertThat(socket.getInputStream().read())
              .as("silent connection closed by the proxy")
              .isEqualTo(-1);
        }
        awaitTrue(() -> proxy.server().unauthenticated().held() == 0, "every place given back");
      } finally {
        tokenless.forEach(WsClient::close);
        for (Socket socket : silent) {
          socket.close();
        }
      }
    }
  }

  private void assertEchoes(WsClient console, String text) throws Exception {
    int base = console.receivedCount();
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    console.send(bytes);
    byte[] all = console.awaitBytes(base + bytes.length, WAIT);
    assertThat(new String(all, base, bytes.length, StandardCharsets.US_ASCII)).isEqualTo(text);
  }

  private WsClient clientFrom(URI uri, String host, InetAddress local) throws Exception {
    WsClient client =
        WsClient.connect(
            uri,
            ProxyFixtures.ORIGIN,
            "binary,porthole.token." + TOKENS.sign(host),
            null,
            true,
            local);
    clients.add(client);
    assertThat(client.handshakeStatus()).isEqualTo(101);
    client.firstData().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return client;
  }

  /**
   * Opens {@code count} WebSockets without a token (each from {@code from.apply(i)}) and waits for
   * every answer.
   */
  private static Flood flood(URI uri, int count, AddressOf from) throws Exception {
    Flood flood = new Flood();
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long opened = System.nanoTime();
      WsClient client =
          WsClient.connect(uri, ProxyFixtures.ORIGIN, "binary", null, true, from.apply(i));
      flood.clients.add(client);
      // Wait on the counting stage itself: a thread in handshake().get() can wake before the
      // completing thread has run this callback, and the counts would miss the last answer.
      answers.add(
          client.handshake().whenComplete((status, error) -> flood.answered(status, opened)));
    }
    for (CompletableFuture<Integer> answer : answers) {
      answer
          .exceptionally(error -> -1)
          .get(REFUSED_WITHIN.toMillis() + WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    flood.millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return flood;
  }

  @FunctionalInterface
  private interface AddressOf {
    InetAddress apply(int i) throws IOException;
  }

  /** The clients of one flood and the answers they got. */
  private static final class Flood implements AutoCloseable {
    final List<WsClient> clients = new ArrayList<>();
    final Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicLong slowestRefusalNanos = new AtomicLong();
    long millis;

    void answered(Integer status, long openedNanos) {
      int code = status == null ? -1 : status;
      statuses.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
      if (code != 101) {
        slowestRefusalNanos.accumulateAndGet(System.nanoTime() - openedNanos, Math::max);
      }
    }

    int count(int status) {
      AtomicInteger n = statuses.get(status);
      return n == null ? 0 : n.get();
    }

    long slowestRefusalMillis() {
      return TimeUnit.NANOSECONDS.toMillis(slowestRefusalNanos.get());
    }

    long heldOpen() {
      return clients.stream().filter(WsClient::isOpen).count();
    }

    @Override
    public void close() {
      clients.forEach(WsClient::close);
    }
  }

  /** 1-byte masked binary frames, 4096 per write, for at most 30 s or until told to stop. */
  private static void flood(WsClient flooder, AtomicBoolean flooding) {
    byte[] frame = {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 'x' ^ 1};
    byte[] batch = new byte[frame.length * 4096];
    for (int i = 0; i < 4096; i++) {
      System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (flooding.get() && System.nanoTime() < end && flooder.isOpen()) {
      if (flooder.isWritable()) {
        flooder.sendRaw(batch);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private void openAndClose(URI uri, String host, int count, int batch) throws Exception {
    for (int done = 0; done < count; done += batch) {
      List<WsClient> open = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        open.add(WsClient.connect(uri, ProxyFixtures.ORIGIN, TOKENS.sign(host)));
      }
      for (WsClient client : open) {
        client.firstData().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      open.forEach(WsClient::close);
    }
  }

  private static long openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc/self/fd (this test needs Linux): " + e);
    }
  }

  /** Waits until {@code counter} has not changed for 500 ms; returns its value. */
  private static long awaitStable(AtomicLong counter) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    long last = counter.get();
    while (System.nanoTime() < end) {
      Thread.sleep(500);
      long now = counter.get();
      if (now == last) {
        return now;
      }
      last = now;
    }
    throw new AssertionError(
        "agent kept sending for " + WAIT + " to a browser that reads nothing: " + last);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
      throws Exception {
    awaitTrue(condition, () -> what);
  }

  private static void awaitTrue(
      java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what)
      throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + WAIT + ": " + what.get());
  }

  /** Sends 64 KiB data frames whenever the proxy's flow control lets it. */
  private static final class FloodAgent extends HostAgentGrpc.HostAgentImplBase {
    final AtomicLong sent = new AtomicLong();
    private volatile ServerCallStreamObserver<ConsoleFrame> out;

    boolean readyNow() {
      return out != null && out.isReady();
    }

    @Override
    public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> responseObserver) {
      ServerCallStreamObserver<ConsoleFrame> stream =
          (ServerCallStreamObserver<ConsoleFrame>) responseObserver;
      out = stream;
      ConsoleFrame chunk = AgentMessages.data(new byte[CHUNK]);
      AtomicBoolean done = new AtomicBoolean();
      stream.setOnCancelHandler(() -> done.set(true));
      stream.setOnReadyHandler(
          () -> {
            while (!done.get() && stream.isReady()) {
              stream.onNext(chunk);
              sent.addAndGet(CHUNK);
            }
          });
      return new StreamObserver<>() {
        public void onNext(ConsoleFrame value) {}

        public void onError(Throwable t) {
          done.set(true);
        }

        public void onCompleted() {}
      };
    }
  }

  /** Banner, then echoes every data frame, counting frames and bytes (no per-frame list). */
  private static final class CountingEcho extends HostAgentGrpc.HostAgentImplBase {
    final AtomicInteger frames = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();

    @Override
    public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> out) {
      out.onNext(AgentMessages.data(FakeHostAgent.BANNER.getBytes(StandardCharsets.US_ASCII)));
      return new StreamObserver<>() {
        public void onNext(ConsoleFrame frame) {
          if (frame.hasData()) {
            frames.incrementAndGet();
            bytes.addAndGet(frame.getData().size());
            out.onNext(frame);
          }
        }

        public void onError(Throwable t) {}

        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }
}
