package org.porthole.wsproxy.websocket;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.porthole.status.PortholeStatus;
import org.porthole.wsproxy.token.ChannelPath;

/**
 * The checks an upgrade request must pass before the proxy answers {@code 101} (docs/contracts.md,
 * "WebSocket"): a client with a known address (any address: the console token, not the network,
 * authorizes; the bind address decides who can reach the proxy), a path of {@link ChannelPath}
 * ({@code /v1/console} or {@code /v1/sso}, the same rules for both) with no query (a token never
 * travels in a URL), a GET WebSocket upgrade, an {@code Origin} in the allow-list or none at all,
 * and the {@code binary} subprotocol offered, optionally next to {@code porthole.token.<JWS>}.
 * Stateless and thread-safe.
 *
 * <p>Browsers send {@code Origin} on every WebSocket handshake and a page cannot remove or forge
 * it, so a present {@code Origin} must match the allow-list exactly (this stops cross-site
 * WebSocket hijacking; {@code null}, sent by sandboxed and {@code file:} pages, matches nothing). A
 * request without one comes from a program that is not a browser (the native viewer, scripts): it
 * is accepted because no ambient credential takes part in authorization here. The proxy never reads
 * cookies or HTTP authentication; the console token, which a cross-site page cannot obtain, is the
 * only credential.
 */
public final class HandshakePolicy {

  /** The subprotocol the proxy selects; clients must offer it. */
  public static final String SUBPROTOCOL_BINARY = "binary";

  /** Prefix of the subprotocol entry that carries the console token. */
  public static final String TOKEN_PREFIX = "porthole.token.";

  private final Set<String> allowedOrigins;

  public HandshakePolicy(Set<String> allowedOrigins) {
    this.allowedOrigins = Set.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
  }

  /**
   * The verdict for {@code request} from {@code remote}; checks run cheapest and broadest first.
   */
  public HandshakeVerdict check(HttpRequest request, SocketAddress remote) {
    if (request.decoderResult().isFailure()) {
      return HandshakeVerdict.reject(PortholeStatus.BAD_REQUEST, "malformed HTTP request");
    }
    if (!isKnownAddress(remote)) {
      return HandshakeVerdict.reject(PortholeStatus.FORBIDDEN, "client address unknown");
    }
    String uri = request.uri();
    int query = indexOfQuery(uri);
    String path = query < 0 ? uri : uri.substring(0, query);
    Optional<ChannelPath> channel = ChannelPath.ofPath(path);
    if (channel.isEmpty()) {
      return HandshakeVerdict.reject(
          PortholeStatus.NOT_FOUND, "no such endpoint; use " + ChannelPath.allPaths());
    }
    if (query >= 0) {
      return HandshakeVerdict.reject(
          PortholeStatus.BAD_REQUEST,
          "query parameters are refused: send the token in Sec-WebSocket-Protocol or the first message");
    }
    HttpHeaders headers = request.headers();
    if (!HttpMethod.GET.equals(request.method())
        || !headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      return HandshakeVerdict.reject(
          PortholeStatus.BAD_REQUEST, "expected a WebSocket upgrade (GET)");
    }
    List<String> origins = headers.getAll(HttpHeaderNames.ORIGIN);
    if (!origins.isEmpty() && (origins.size() != 1 || !allowedOrigins.contains(origins.get(0)))) {
      return HandshakeVerdict.reject(PortholeStatus.ORIGIN_REJECTED, "origin not allowed");
    }
    return checkSubprotocols(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL), channel.get());
  }

  private static HandshakeVerdict checkSubprotocols(
      List<String> headerValues, ChannelPath channel) {
    // Netty's handshaker reads only the first header line; two lines would let it see
    // something other than what was checked here (and log the token it cannot select).
    if (headerValues.size() > 1) {
      return HandshakeVerdict.reject(
          PortholeStatus.BAD_REQUEST,
          "send one Sec-WebSocket-Protocol header (comma-separated values)");
    }
    boolean binary = false;
    String token = null;
    for (String value : headerValues) {
      for (String entry : value.split(",", -1)) {
        String protocol = entry.trim();
        if (SUBPROTOCOL_BINARY.equals(protocol)) {
          binary = true;
        } else if (protocol.startsWith(TOKEN_PREFIX)) {
          if (token != null) {
            return HandshakeVerdict.reject(
                PortholeStatus.BAD_REQUEST, "more than one token offered");
          }
          token = protocol.substring(TOKEN_PREFIX.length());
        }
      }
    }
    if (!binary) {
      return HandshakeVerdict.reject(
          PortholeStatus.BAD_REQUEST,
          "the client must offer the '" + SUBPROTOCOL_BINARY + "' subprotocol");
    }
    return HandshakeVerdict.accept(token, channel);
  }

  private static int indexOfQuery(String uri) {
    int q = uri.indexOf('?');
    int f = uri.indexOf('#');
    if (q < 0) {
      return f;
    }
    return f < 0 ? q : Math.min(q, f);
  }

  /** Admission counts and refusal reports name the client by its address, so it must have one. */
  private static boolean isKnownAddress(SocketAddress remote) {
    return remote instanceof InetSocketAddress && ((InetSocketAddress) remote).getAddress() != null;
  }
}
