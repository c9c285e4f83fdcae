package org.porthole.wsproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.config.Settings;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.testsupport.hostagent.AgentMessages;
import org.porthole.testsupport.hostagent.AgentServers;
import org.porthole.testsupport.hostagent.FakeHostAgent;
import org.porthole.testsupport.token.JwksServer;
import org.porthole.testsupport.token.TokenMint;
import org.porthole.testsupport.ws.WsClient;
import org.porthole.wsproxy.harness.ProxyFixtures;
import org.porthole.wsproxy.refusal.KafkaRefusals;
import org.porthole.wsproxy.server.ProxyApplication;

/**
 * The ws-proxy as deployed: real sockets, the engine's JWKS over HTTP, host agents over gRPC with
 * mutual TLS from a development CA, and a real WebSocket client.
 */
class ConsoleProxyIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dir;

  private static final TokenMint TOKENS = new TokenMint("it-key");
  private static JwksServer jwks;
  private static ProxyApplication proxy;
  private static URI console;
  private final List<Server> agents = new ArrayList<>();
  private final List<WsClient> clients = new ArrayList<>();

  @BeforeAll
  static void startProxy() throws Exception {
    jwks = JwksServer.start(TOKENS);
    proxy = ProxyApplication.start(settings(Map.of()));
    console = URI.create("ws://127.0.0.1:" + proxy.server().address().getPort() + "/v1/console");
  }

  private static Settings settings(Map<String, String> extra) {
    Map<String, String> values =
        new java.util.HashMap<>(
            Map.of(
                "porthole.pki.dir",
                dir.resolve("pki").toString(),
                "porthole.proxy.port",
                "0",
                "porthole.proxy.admin-port",
                "0",
                "porthole.proxy.ping-seconds",
                "1",
                "porthole.jwks.url",
                "http://127.0.0.1:" + jwks.port() + "/api/v1/jwks",
                "porthole.kafka.bootstrap",
                KafkaRefusals.OFF));
    values.putAll(extra);
    return Settings.of(values);
  }

  @AfterAll
  static void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
    if (jwks != null) {
      jwks.close();
    }
  }

  @AfterEach
  void closeClientsAndAgents() {
    clients.forEach(WsClient::close);
    agents.forEach(Server::shutdownNow);
  }

  /**
   * Starts {@code service} as a host agent with a certificate from {@code pki}; returns its host
   * id.
   */
  private String agent(BindableService service, Path pki) throws Exception {
    Server server = AgentServers.start(pki, service, false);
    agents.add(server);
    return AgentServers.hostId(server);
  }

  private String agent(BindableService service) throws Exception {
    return agent(service, dir.resolve("pki"));
  }

  private WsClient client(String token) throws Exception {
    WsClient client = WsClient.connect(console, ProxyFixtures.ORIGIN, token);
    clients.add(client);
    assertThat(client.handshakeStatus()).isEqualTo(101);
    return client;
  }

  @Test
  void relaysBytesBothWaysOverMutualTls() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    WsClient client = client(TOKENS.sign(agent(fake)));

    assertThat(WsClient.text(client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT)))
        .isEqualTo(FakeHostAgent.BANNER);
    client.send("hello".getBytes(StandardCharsets.US_ASCII));

    assertThat(WsClient.text(client.awaitBytes(FakeHostAgent.BANNER.length() + 5, WAIT)))
        .isEqualTo(FakeHostAgent.BANNER + "hello");
    assertThat(fake.received().get(0).getOpen().getClientAddress()).startsWith("127.0.0.1:");
  }

  @Test
  void acceptsTokenAsFirstTextMessage() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    String token = TOKENS.sign(agent(fake));
    WsClient client = WsClient.connect(console, ProxyFixtures.ORIGIN, "binary", null, true, null);
    clients.add(client);
    assertThat(client.handshakeStatus()).isEqualTo(101);

    client.sendText(token);

    assertThat(WsClient.text(client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT)))
        .isEqualTo(FakeHostAgent.BANNER);
  }

  @Test
  void rejectsForeignOriginBeforeUpgrade() throws Exception {
    WsClient client =
        WsClient.connect(
            console,
            "https://evil.example",
            "binary,porthole.token." + TOKENS.sign("localhost:1"),
            null,
            true,
            null);
    clients.add(client);

    assertThat(client.handshakeStatus()).isEqualTo(403);
  }

  @Test
  void closesWith1014WhenTheAgentIsDown() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WsClient client = client(TOKENS.sign("localhost:" + closedPort));

    assertThat(client.awaitClose(WAIT)).isEqualTo(1014);
  }

  @Test
  void refusesAgentWhoseCertificateNamesAnotherHost() throws Exception {
    // The agent at localhost:<port> holds a valid Porthole certificate, but of another host id.
    FakeHostAgent impostor = new FakeHostAgent();
    Server server = AgentServers.startAs(dir.resolve("pki"), impostor, "localhost:1");
    agents.add(server);
    WsClient client = client(TOKENS.sign(AgentServers.hostId(server)));

    assertThat(client.awaitClose(WAIT)).isEqualTo(1014);
    assertThat(impostor.consoleCalls()).isZero();
  }

  @Test
  void refusesAgentWhoseCertificateIsNotFromThePortholeCa() throws Exception {
    FakeHostAgent impostor = new FakeHostAgent();
    WsClient client = client(TOKENS.sign(agent(impostor, dir.resolve("other-ca"))));

    assertThat(client.awaitClose(WAIT)).isEqualTo(1014);
    assertThat(impostor.consoleCalls()).isZero();
  }

  @Test
  void keepsServingAfterGarbageInput() throws Exception {
    int port = proxy.server().address().getPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write("\u0016\u0003\u0001garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 400");
    }
    FakeHostAgent fake = new FakeHostAgent();
    String host = agent(fake);
    WsClient broken = client(TOKENS.sign(host));
    broken.awaitBytes(FakeHostAgent.BANNER.length(), WAIT);
    broken.sendRaw(
        new byte[] {
          (byte) 0x82, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0
        });
    assertThat(broken.awaitClose(WAIT)).isIn(1002, 1009);

    WsClient client = client(TOKENS.sign(host));
    client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT);
    client.send("still serving".getBytes(StandardCharsets.US_ASCII));
    assertThat(WsClient.text(client.awaitBytes(FakeHostAgent.BANNER.length() + 13, WAIT)))
        .endsWith("still serving");
  }

  @Test
  void keepsIdleConsoleOpenWhileClientAnswersPings() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    WsClient client = client(TOKENS.sign(agent(fake)));
    client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT);

    Thread.sleep(6000);

    assertThat(client.isOpen()).isTrue();
    client.send("x".getBytes(StandardCharsets.US_ASCII));
    client.awaitBytes(FakeHostAgent.BANNER.length() + 1, WAIT);
    assertThat(fake.cancelled()).isFalse();
  }

  @Test
  void dropsClientThatStopsAnsweringPings() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    WsClient client =
        WsClient.connect(
            console,
            ProxyFixtures.ORIGIN,
            "binary,porthole.token." + TOKENS.sign(agent(fake)),
            null,
            true,
            null);
    clients.add(client);
    // Answers pings until the console is up (a loaded machine may take seconds to get there),
    // then hangs: only the silence after the banner may drop it.
    client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT);
    client.answerPings(false);

    assertThat(client.awaitClose(WAIT)).isEqualTo(1001);
    awaitTrue(fake::cancelled, "agent call cancelled");
  }

  @Test
  void stopsPullingFromAgentWhenBrowserStopsReading() throws Exception {
    // Pings every 30 s here: with 1 s pings a browser that reads nothing for 3 s is dropped.
    try (ProxyApplication patient =
        ProxyApplication.start(settings(Map.of("porthole.proxy.ping-seconds", "30")))) {
      FloodAgent flood = new FloodAgent();
      URI uri =
          URI.create("ws://127.0.0.1:" + patient.server().address().getPort() + "/v1/console");
      WsClient client = WsClient.connect(uri, ProxyFixtures.ORIGIN, TOKENS.sign(agent(flood)));
      clients.add(client);
      client.reading(false);

      Thread.sleep(3000);
      long stalled = flood.sent.get();
      Thread.sleep(1000);
      assertThat(flood.sent.get()).as("agent stalled").isEqualTo(stalled);
      System.out.println(
          "agent stalled after " + stalled + " bytes while the browser did not read");
      assertThat(stalled)
          .as("bytes buffered between agent and a non-reading browser")
          .isLessThan(64L << 20);

      client.reading(true);
      client.awaitBytes((int) stalled + 1, WAIT);
      assertThat(flood.sent.get()).isGreaterThan(stalled);
      assertThat(client.isOpen()).isTrue();
    }
  }

  @Test
  void slowBrowserDoesNotStallOtherConsolesOfTheSameAgent() throws Exception {
    try (ProxyApplication patient =
        ProxyApplication.start(settings(Map.of("porthole.proxy.ping-seconds", "30")))) {
      FloodAgent flood = new FloodAgent();
      FakeHostAgent echo = new FakeHostAgent();
      AtomicInteger calls = new AtomicInteger();
      BindableService firstFloodsThenEcho =
          new HostAgentGrpc.HostAgentImplBase() {
            @Override
            public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> out) {
              return calls.getAndIncrement() == 0 ? flood.openConsole(out) : echo.openConsole(out);
            }
          };
      String host = agent(firstFloodsThenEcho);
      URI uri =
          URI.create("ws://127.0.0.1:" + patient.server().address().getPort() + "/v1/console");
      WsClient stuck = WsClient.connect(uri, ProxyFixtures.ORIGIN, TOKENS.sign(host));
      clients.add(stuck);
      stuck.reading(false);
      Thread.sleep(2000);

      WsClient other = WsClient.connect(uri, ProxyFixtures.ORIGIN, TOKENS.sign(host));
      clients.add(other);
      other.awaitBytes(FakeHostAgent.BANNER.length(), WAIT);
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0; i < 32; i++) {
        other.send(chunk);
      }
      assertThat(other.awaitBytes(FakeHostAgent.BANNER.length() + 32 * chunk.length, WAIT))
          .hasSize(FakeHostAgent.BANNER.length() + 32 * chunk.length);
      assertThat(stuck.isOpen()).isTrue();
    }
  }

  @Test
  void releasesEveryAgentCallWhenClientsGoAway() throws Exception {
    FakeHostAgent fake = new FakeHostAgent();
    String host = agent(fake);
    List<WsClient> opened = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      WsClient client = client(TOKENS.sign(host));
      client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT);
      opened.add(client);
    }
    assertThat(fake.activeConsoles()).isEqualTo(20);

    opened.forEach(WsClient::close);

    awaitTrue(() -> fake.activeConsoles() == 0, "every agent call ended");
  }

  @Test
  void cancelsAgentCallThatDoesNotFinishAfterItsCloseFrame() throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    BindableService closesButNeverCompletes =
        new HostAgentGrpc.HostAgentImplBase() {
          @Override
          public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> out) {
            ((ServerCallStreamObserver<ConsoleFrame>) out)
                .setOnCancelHandler(() -> cancelled.set(true));
            out.onNext(AgentMessages.close("CONFLICT", "taken over"));
            return new StreamObserver<>() {
              public void onNext(ConsoleFrame value) {}

              public void onError(Throwable t) {}

              public void onCompleted() {}
            };
          }
        };
    WsClient client = client(TOKENS.sign(agent(closesButNeverCompletes)));

    assertThat(client.awaitClose(WAIT)).isEqualTo(4009);
    assertThat(cancelled.get()).isFalse();
    awaitTrue(cancelled::get, "call cancelled after the grace period");
  }

  @Test
  void servesWssWhenTlsIsConfigured() throws Exception {
    TlsFiles files = DevPki.ensure(dir.resolve("pki"), ServiceIdentity.hostAgent("localhost:1"));
    try (ProxyApplication secure =
        ProxyApplication.start(
            settings(
                Map.of(
                    "porthole.proxy.tls-cert", files.certChain().toString(),
                    "porthole.proxy.tls-key", files.privateKey().toString())))) {
      FakeHostAgent fake = new FakeHostAgent();
      URI wss =
          URI.create("wss://localhost:" + secure.server().address().getPort() + "/v1/console");
      WsClient client =
          WsClient.connect(
              wss,
              ProxyFixtures.ORIGIN,
              "binary,porthole.token." + TOKENS.sign(agent(fake)),
              SslContextBuilder.forClient().trustManager(files.caCert().toFile()).build(),
              true,
              null);
      clients.add(client);

      assertThat(client.handshakeStatus()).isEqualTo(101);
      assertThat(WsClient.text(client.awaitBytes(FakeHostAgent.BANNER.length(), WAIT)))
          .isEqualTo(FakeHostAgent.BANNER);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
      throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + WAIT + ": " + what);
  }

  /** Sends 64 KiB data frames as fast as flow control lets it. */
  private static final class FloodAgent extends HostAgentGrpc.HostAgentImplBase {
    final AtomicLong sent = new AtomicLong();

    @Override
    public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> responseObserver) {
      ServerCallStreamObserver<ConsoleFrame> out =
          (ServerCallStreamObserver<ConsoleFrame>) responseObserver;
      ConsoleFrame chunk = AgentMessages.data(new byte[64 * 1024]);
      AtomicBoolean done = new AtomicBoolean();
      out.setOnCancelHandler(() -> done.set(true));
      out.setOnReadyHandler(
          () -> {
            while (!done.get() && out.isReady()) {
              out.onNext(chunk);
              sent.addAndGet(64 * 1024);
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
}
