package org.porthole.hostagent;

import java.net.URI;
import java.net.URISyntaxException;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.pki.ServiceIdentity;
import org.porthole.token.JwksLocation;
import org.porthole.token.JwksTrust;

/**
 * The host agent's configuration, read once at start from {@code porthole.*} keys (see
 * docs/contracts.md and the module README). TLS settings are read by {@code TlsFiles} from the same
 * {@link Settings}.
 *
 * <p>{@code porthole.kafka.bootstrap=none} turns events off; the agent refuses it on libvirt
 * ({@link AgentBackend#needsEvents()}), so only the relay benchmark's hypervisor double runs
 * without Kafka.
 */
public record AgentConfig(
    String libvirtUri,
    String bindAddress,
    int port,
    String hostId,
    String kafkaBootstrap,
    URI jwksUrl,
    JwksTrust jwksTrust,
    String tokenIssuer,
    String tokenAudience,
    int maxConsoles,
    int maxConsolesPerVm) {

  public static final String LIBVIRT_URI = "porthole.agent.libvirt-uri";
  public static final String BIND = "porthole.agent.bind";
  public static final String PORT = "porthole.agent.port";
  public static final String HOST_ID = "porthole.agent.host-id";
  public static final String MAX_CONSOLES = "porthole.agent.max-consoles";
  public static final String MAX_CONSOLES_PER_VM = "porthole.agent.max-consoles-per-vm";
  public static final String KAFKA_BOOTSTRAP = "porthole.kafka.bootstrap";
  public static final String JWKS_URL = "porthole.jwks.url";
  public static final String JWKS_CA_FILE = JwksTrust.KEY_CA_FILE;
  public static final String TOKEN_ISSUER = "porthole.token.issuer";
  public static final String TOKEN_AUDIENCE = "porthole.token.audience";

  /** The value of {@link #KAFKA_BOOTSTRAP} that turns events off. */
  public static final String NONE = "none";

  private static final int DEFAULT_PORT = 9443;
  private static final int DEFAULT_MAX_CONSOLES = 20_000;
  private static final int MAX_MAX_CONSOLES = 1_000_000;

  /** Below QEMU's 32 VNC clients per display, so QEMU never refuses a relay for that. */
  private static final int DEFAULT_MAX_CONSOLES_PER_VM = 30;

  private static final int MAX_MAX_CONSOLES_PER_VM = 31;

  /** Reads every key, failing with a message that names the key when a value is bad. */
  public static AgentConfig from(Settings s) {
    int port = s.getInt(PORT, DEFAULT_PORT, 1, 65535);
    String libvirt = s.get(LIBVIRT_URI, "qemu:///system").trim();
    String kafka = s.get(KAFKA_BOOTSTRAP, "127.0.0.1:59092").trim();
    return new AgentConfig(
        libvirt,
        s.get(BIND, "127.0.0.1"),
        port,
        hostId(s.get(HOST_ID, "localhost:" + port)),
        kafka,
        jwksUrl(s.get(JWKS_URL, "http://127.0.0.1:8080/api/v1/jwks")),
        s.readFile(JWKS_CA_FILE, JwksTrust::caFile).orElse(JwksTrust.systemDefault()),
        s.get(TOKEN_ISSUER, "porthole-engine"),
        s.get(TOKEN_AUDIENCE, "porthole-console"),
        s.getInt(MAX_CONSOLES, DEFAULT_MAX_CONSOLES, 1, MAX_MAX_CONSOLES),
        s.getInt(MAX_CONSOLES_PER_VM, DEFAULT_MAX_CONSOLES_PER_VM, 1, MAX_MAX_CONSOLES_PER_VM));
  }

  /** False when {@code porthole.kafka.bootstrap=none}. */
  public boolean publishesEvents() {
    return !NONE.equals(kafkaBootstrap);
  }

  /**
   * {@code host:port} or {@code [ipv6]:port}: the id its certificate names ({@link
   * ServiceIdentity}).
   */
  private static String hostId(String value) {
    try {
      return ServiceIdentity.hostAgent(value).hostId();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(HOST_ID, HOST_ID + " = '" + value + "' refused: " + e.getMessage());
    }
  }

  /** https, or http on a loopback address ({@link JwksLocation}). */
  private static URI jwksUrl(String value) {
    URI u;
    try {
      u = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigException(JWKS_URL, JWKS_URL + " is not a URL: '" + value + "'");
    }
    JwksLocation.problem(u)
        .ifPresent(
            reason -> {
              throw new ConfigException(
                  JWKS_URL, JWKS_URL + " = '" + value + "' refused: " + reason);
            });
    return u;
  }
}
