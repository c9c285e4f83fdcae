package org.porthole.hostagent;

import java.net.URI;
import java.net.URISyntaxException;
import org.porthole.config.Settings;

/**
 * The host agent's configuration, read once at start from {@code porthole.*} keys (see
 * docs/contracts.md and the module README). TLS settings are read by {@code TlsFiles} from
 * the same {@link Settings}.
 */
public record AgentConfig(
    String libvirtUri,
    String bindAddress,
    int port,
    String hostId,
    String kafkaBootstrap,
    URI jwksUrl,
    String tokenIssuer,
    String tokenAudience) {

  public static final String LIBVIRT_URI = "porthole.agent.libvirt-uri";
  public static final String BIND = "porthole.agent.bind";
  public static final String PORT = "porthole.agent.port";
  public static final String HOST_ID = "porthole.agent.host-id";
  public static final String KAFKA_BOOTSTRAP = "porthole.kafka.bootstrap";
  public static final String JWKS_URL = "porthole.jwks.url";
  public static final String TOKEN_ISSUER = "porthole.token.issuer";
  public static final String TOKEN_AUDIENCE = "porthole.token.audience";

  private static final int DEFAULT_PORT = 9443;

  /** Reads every key, failing with a message that names the key when a value is bad. */
  public static AgentConfig from(Settings s) {
    int port = s.getInt(PORT, DEFAULT_PORT, 1, 65535);
    return new AgentConfig(
        s.get(LIBVIRT_URI, "qemu:///system"),
        s.get(BIND, "127.0.0.1"),
        port,
        s.get(HOST_ID, "localhost:" + port),
        s.get(KAFKA_BOOTSTRAP, "127.0.0.1:59092"),
        uri(JWKS_URL, s.get(JWKS_URL, "http://127.0.0.1:8080/api/v1/jwks")),
        s.get(TOKEN_ISSUER, "porthole-engine"),
        s.get(TOKEN_AUDIENCE, "porthole-console"));
  }

  private static URI uri(String key, String value) {
    try {
      URI u = new URI(value);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new IllegalArgumentException(key + " must be an http(s) URL, got '" + value + "'");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a URL: '" + value + "'", e);
    }
  }
}
