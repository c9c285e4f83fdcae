package org.porthole.wsproxy.harness;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.porthole.token.Jwks;

/** The engine's JWKS endpoint as the proxy fetches it: {@code /api/v1/jwks} on a loopback port. */
public final class JwksServer {
  private JwksServer() {}

  /** Starts serving the public key of {@code tokens}; the caller stops the server. */
  public static HttpServer start(TestTokens tokens) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] document =
        Jwks.toJson(Map.of(tokens.key().kid(), tokens.key().publicKey()))
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/api/v1/jwks",
        exchange -> {
          exchange.sendResponseHeaders(200, document.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(document);
          }
        });
    server.start();
    return server;
  }
}
