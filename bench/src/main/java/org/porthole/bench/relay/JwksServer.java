package org.porthole.bench.relay;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.porthole.token.Ed25519Key;
import org.porthole.token.Jwks;

/** The engine's JWKS endpoint as the bench plays it: one key, on loopback. */
final class JwksServer implements AutoCloseable {
  private final HttpServer server;

  JwksServer(Ed25519Key key) throws IOException {
    byte[] body = Jwks.toJson(Map.of(key.kid(), key.publicKey())).getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/api/v1/jwks",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/jwks");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
