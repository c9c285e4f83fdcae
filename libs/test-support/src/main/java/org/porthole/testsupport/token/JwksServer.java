package org.porthole.testsupport.token;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.porthole.pki.TlsFiles;

/**
 * The engine's JWKS endpoint as proxies and agents fetch it: {@code /api/v1/jwks} on a loopback
 * port, serving the public keys of the given mints (or any Ed25519 keys by {@code kid}) until a
 * test publishes others (a key rotation). Plain http on 127.0.0.1, or https ({@link #startHttps})
 * with a certificate of the caller's, reached as {@code localhost}.
 */
public final class JwksServer implements AutoCloseable {
  public static final String PATH = "/api/v1/jwks";

  private final HttpServer server;
  private final String scheme;
  private final String host;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile byte[] document;

  private JwksServer(HttpServer server, String scheme, String host) {
    this.server = server;
    this.scheme = scheme;
    this.host = host;
  }

  /** Serves the public keys of {@code mints}; the caller closes the server. */
  public static JwksServer start(TokenMint... mints) throws IOException {
    return start(keysOf(mints));
  }

  /**
   * Serves {@code keysByKid} (Ed25519 public keys by {@code kid}), for a caller that signs with a
   * key of its own, such as the bench with libs/console-token's; the caller closes the server.
   */
  public static JwksServer start(Map<String, PublicKey> keysByKid) throws IOException {
    JwksServer jwks =
        new JwksServer(
            HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64), "http", "127.0.0.1");
    return serve(jwks, keysByKid);
  }

  /**
   * Serves {@code keysByKid} over https on 127.0.0.1, presenting {@code tls}'s certificate chain
   * ({@link #url()} names {@code localhost}, so the certificate must too: a development-PKI
   * certificate of host id {@code localhost:<any port>} does); the caller closes the server.
   */
  public static JwksServer startHttps(TlsFiles tls, Map<String, PublicKey> keysByKid)
      throws IOException {
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    https.setHttpsConfigurator(new HttpsConfigurator(serverContext(tls)));
    return serve(new JwksServer(https, "https", "localhost"), keysByKid);
  }

  private static SSLContext serverContext(TlsFiles tls) throws IOException {
    JdkSslContext context =
        (JdkSslContext)
            SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile())
                .sslProvider(SslProvider.JDK)
                .build();
    return context.context();
  }

  private static JwksServer serve(JwksServer jwks, Map<String, PublicKey> keysByKid) {
    jwks.publish(keysByKid);
    jwks.server.createContext(
        PATH,
        exchange -> {
          jwks.requests.incrementAndGet();
          byte[] body = jwks.document;
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    jwks.server.start();
    return jwks;
  }

  /** From now on serves the keys of {@code mints} instead. */
  public void publish(TokenMint... mints) {
    publish(keysOf(mints));
  }

  /** From now on serves {@code keysByKid} instead. */
  public void publish(Map<String, PublicKey> keysByKid) {
    document = JwksDocument.of(keysByKid).getBytes(StandardCharsets.UTF_8);
  }

  public URI url() {
    return URI.create(scheme + "://" + host + ":" + port() + PATH);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** How many times the document was fetched. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static Map<String, PublicKey> keysOf(TokenMint[] mints) {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (TokenMint mint : mints) {
      keys.put(mint.kid(), mint.publicKey());
    }
    return keys;
  }
}
