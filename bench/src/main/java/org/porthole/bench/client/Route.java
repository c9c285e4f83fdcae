package org.porthole.bench.client;

import java.net.URI;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a client reaches one backend mode through one path: a loopback TCP port, and for WebSocket
 * paths the URL, the {@code Origin} and the subprotocol header value (a supplier, because Porthole
 * needs a fresh token per connection).
 */
public record Route(int port, URI webSocketUri, String origin, Supplier<String> subprotocols) {

  public Route {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Raw TCP straight to {@code port}. */
  public static Route tcp(int port) {
    return new Route(port, null, null, null);
  }

  /** A WebSocket upgrade on {@code port} at {@code path}, offering {@code subprotocols}. */
  public static Route webSocket(
      int port, String path, String origin, Supplier<String> subprotocols) {
    Objects.requireNonNull(subprotocols, "subprotocols");
    return new Route(port, URI.create("ws://127.0.0.1:" + port + path), origin, subprotocols);
  }

  public boolean isWebSocket() {
    return webSocketUri != null;
  }
}
