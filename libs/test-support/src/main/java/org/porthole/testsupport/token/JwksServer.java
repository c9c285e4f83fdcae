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
 * port, serving the keys of the given mints until a test publishes others (a key rotation).
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
    JwksServer jwks = new JwksServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64));
    jwks.publish(mints);
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
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (TokenMint mint : mints) {
      keys.put(mint.kid(), mint.publicKey());
    }
    document = JwksDocument.of(keys).getBytes(StandardCharsets.UTF_8);
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
}
