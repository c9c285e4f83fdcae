package org.porthole.wsproxy.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.token.JwksLocation;
import org.porthole.token.JwksTrust;

/**
 * Everything the ws-proxy reads from {@code porthole.*} configuration (docs/contracts.md,
 * "Configuration keys"), validated once at start so a bad value stops the process with a message
 * that names the key instead of failing the first console.
 *
 * @param bind listen address
 * @param port listen port (0 picks a free one)
 * @param allowedOrigins exact {@code Origin} values allowed to open a console
 * @param maxFrameBytes largest WebSocket frame payload accepted from a client
 * @param pingInterval WebSocket ping period; three unanswered pings close the console
 * @param jwksUrl the engine's JWKS document
 * @param jwksTrust what an https {@code jwksUrl} is trusted by: the CA file of {@code
 *     porthole.jwks.ca-file} alone, or the JVM's default trust store
 * @param issuer required {@code iss} of console tokens
 * @param audience required {@code aud} of console tokens
 * @param tlsCert PEM certificate chain for wss, empty for plain ws
 * @param tlsKey PEM PKCS#8 private key for wss, set exactly when {@code tlsCert} is
 */
public record ProxyConfig(
    String bind,
    int port,
    Set<String> allowedOrigins,
    int maxFrameBytes,
    Duration pingInterval,
    URI jwksUrl,
    JwksTrust jwksTrust,
    String issuer,
    String audience,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey) {

  public static final String KEY_BIND = "porthole.proxy.bind";
  public static final String KEY_PORT = "porthole.proxy.port";
  public static final String KEY_ALLOWED_ORIGINS = "porthole.proxy.allowed-origins";
  public static final String KEY_MAX_FRAME_BYTES = "porthole.proxy.max-frame-bytes";
  public static final String KEY_PING_SECONDS = "porthole.proxy.ping-seconds";
  public static final String KEY_TLS_CERT = "porthole.proxy.tls-cert";
  public static final String KEY_TLS_KEY = "porthole.proxy.tls-key";
  public static final String KEY_JWKS_URL = "porthole.jwks.url";
  public static final String KEY_JWKS_CA_FILE = JwksTrust.KEY_CA_FILE;
  public static final String KEY_ISSUER = "porthole.token.issuer";
  public static final String KEY_AUDIENCE = "porthole.token.audience";

  static final String DEFAULT_ORIGINS = "http://localhost:8080,http://127.0.0.1:8080";
  static final int DEFAULT_MAX_FRAME_BYTES = 256 * 1024;
  private static final int MIN_FRAME_BYTES = 1024;
  private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

  public ProxyConfig {
    allowedOrigins = Set.copyOf(allowedOrigins);
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      String missing = tlsCert.isPresent() ? KEY_TLS_KEY : KEY_TLS_CERT;
      throw new ConfigException(
          missing,
          "configuration "
              + KEY_TLS_CERT
              + " and "
              + KEY_TLS_KEY
              + " must be set together; "
              + missing
              + " is not set");
    }
  }

  /** Reads and validates every key, with the documented defaults. */
  public static ProxyConfig from(Settings s) {
    return new ProxyConfig(
        s.get(KEY_BIND, "127.0.0.1"),
        s.getInt(KEY_PORT, 8081, 0, 65535),
        Set.copyOf(s.getList(KEY_ALLOWED_ORIGINS, DEFAULT_ORIGINS)),
        s.getInt(KEY_MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES, MIN_FRAME_BYTES, MAX_FRAME_BYTES),
        s.getSeconds(KEY_PING_SECONDS, 20, 1, 3600),
        uri(s, KEY_JWKS_URL, "http://127.0.0.1:8080/api/v1/jwks"),
        s.readFile(KEY_JWKS_CA_FILE, JwksTrust::caFile).orElse(JwksTrust.systemDefault()),
        s.get(KEY_ISSUER, "porthole-engine"),
        s.get(KEY_AUDIENCE, "porthole-console"),
        Optional.ofNullable(s.getPath(KEY_TLS_CERT, null)),
        Optional.ofNullable(s.getPath(KEY_TLS_KEY, null)));
  }

  /** True when the listener speaks TLS (wss). */
  public boolean tls() {
    return tlsCert.isPresent();
  }

  private static URI uri(Settings s, String key, String defaultValue) {
    String raw = s.get(key, defaultValue);
    try {
      URI uri = new URI(raw);
      String scheme = uri.getScheme();
      if (uri.getHost() == null
          || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
        throw new ConfigException(
            key, "configuration " + key + " = '" + raw + "' is not an http(s) URL");
      }
      JwksLocation.problem(uri)
          .ifPresent(
              reason -> {
                throw new ConfigException(
                    key, "configuration " + key + " = '" + raw + "' refused: " + reason);
              });
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "configuration " + key + " = '" + raw + "' is not a URL");
    }
  }
}
