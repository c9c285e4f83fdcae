package org.porthole.testsupport.token;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's JWKS endpoint as proxies and agents fetch it: {@code /api/v1/jwks} on a loopback
 * port, serving the public keys of the given mints (or any Ed25519 keys by {@code kid}) until a
 * test publishes others (a key rotation).
 */
public final class JwksServer implements AutoCloseable {
  public static final String PATH = "/api/v1/jwks";

  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile byte[] document;

  private JwksServer(HttpServer server) {
    this.server = server;
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
    JwksServer jwks = new JwksServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64));
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
    return URI.create("http://127.0.0.1:" + port() + PATH);
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
