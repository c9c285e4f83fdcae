package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.hostagent.authz.CallerIdentity;
import org.porthole.hostagent.authz.RefusalLog;
import org.porthole.hostagent.authz.RoleInterceptor;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;

/**
 * The agent's TLS listener over loopback: TLS 1.0 and 1.1 handshakes fail, 1.2 and 1.3 succeed, and
 * a client that tries to renegotiate a TLS 1.2 session is cut off instead of served. Handshakes use
 * netty's BoringSSL client, which still speaks TLS 1.0/1.1 when asked (the JDK's own client refuses
 * them before the server could).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentTlsIT {
  private static final long WAIT_SECONDS = 20;

  /** Offered with TLS 1.0/1.1, which have no GCM suites; the agent's certificate is ECDSA. */
  private static final List<String> LEGACY_CIPHERS =
      List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");

  @TempDir static Path dir;
  private EventLoopGroup loops;
  private ExecutorService unary;
  private Server server;
  private int port;
  private TlsFiles engine;
  private TlsFiles agent;

  @BeforeAll
  void start() throws Exception {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      port = probe.getLocalPort();
    }
    Path pki = dir.resolve("pki");
    agent = DevPki.ensure(pki, ServiceIdentity.hostAgent("localhost:" + port));
    engine = DevPki.ensure(pki, ServiceIdentity.engine());
    loops = new NioEventLoopGroup(2);
    unary = Executors.newSingleThreadExecutor();
    server =
        AgentServer.start(
            "127.0.0.1",
            port,
            ServerTls.of(agent),
            new RoleInterceptor(CallerIdentity.FROM_TLS, new RefusalLog(Clock.systemUTC())),
            new HostAgentGrpc.HostAgentImplBase() {},
            unary,
            loops,
            loops);
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    unary.shutdownNow();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  @Test
  void listenerEnablesOnlyTls12And13() {
    SSLEngine engine = ServerTls.of(agent).newEngine(ByteBufAllocator.DEFAULT);
    assertThat(Arrays.stream(engine.getEnabledProtocols()).filter(p -> !p.equals("SSLv2Hello")))
        .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
  }

  @Test
  void refusesTls10And11Handshakes() throws Exception {
    for (String protocol : List.of("TLSv1", "TLSv1.1")) {
      assertThat(handshake(protocol, LEGACY_CIPHERS)).as(protocol).isNotNull();
    }
  }

  @Test
  void acceptsTls12And13Handshakes() throws Exception {
    for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
      assertThat(handshake(protocol, null)).as(protocol).isNull();
    }
  }

  @Test
  void refusesClientInitiatedRenegotiation() throws Exception {
    AtomicInteger handshakes = new AtomicInteger();
    try (SSLSocket socket =
        (SSLSocket) jdkClient().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      socket.addHandshakeCompletedListener(e -> handshakes.incrementAndGet());
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
      socket.startHandshake(); // asks to renegotiate
      Throwable ended = catchThrowable(() -> readUntilClosed(socket.getInputStream()));
      assertThat(ended)
          .as("the connection is cut, not kept open")
          .isNotInstanceOf(SocketTimeoutException.class);
    }
    assertThat(handshakes).as("handshakes completed").hasValue(1);
  }

  /** The handshake's failure with {@code protocol} offered alone, or null when it succeeded. */
  private Throwable handshake(String protocol, List<String> ciphers) throws Exception {
    SslContext client =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.OPENSSL)
            .protocols(protocol)
            .ciphers(ciphers)
            .keyManager(engine.certChain().toFile(), engine.privateKey().toFile())
            .trustManager(engine.caCert().toFile())
            .build();
    SslHandler[] tls = new SslHandler[1];
    Channel channel =
        new Bootstrap()
            .group(loops)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    tls[0] = client.newHandler(ch.alloc(), "localhost", port);
                    ch.pipeline().addLast(tls[0]);
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    try {
      Future<Channel> done = tls[0].handshakeFuture();
      assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("handshake finished").isTrue();
      return done.cause();
    } finally {
      channel.close().sync();
    }
  }

  /** A JDK client presenting the engine's certificate and trusting the Porthole CA. */
  private SSLContext jdkClient() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(engine.certChain()));
    keys.setKeyEntry(
        "engine", pemKey(engine.privateKey()), new char[0], new X509Certificate[] {cert});
    KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    km.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(engine.caCert())));
    TrustManagerFactory tm =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tm.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(km.getKeyManagers(), tm.getTrustManagers(), null);
    return context;
  }

  private static PrivateKey pemKey(Path file) throws Exception {
    String text = Files.readString(file);
    String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  /** Reads (the server's HTTP/2 settings, then whatever follows) until the connection ends. */
  private static void readUntilClosed(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    while (in.read(buffer) >= 0) {
      // keep reading
    }
  }
}
