package org.porthole.hostagent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.pki.ServiceIdentity;
import org.porthole.token.JwksLocation;

/**
 * The host agent's configuration, read once at start from {@code porthole.*} keys (see
 * docs/contracts.md and the module README). TLS settings are read by {@code TlsFiles} from the same
 * {@link Settings}.
 *
 * <p>Benchmark mode: {@code porthole.agent.libvirt-uri=none} opens no libvirt connection and relays
 * every console whose token verifies to {@code porthole.agent.console-backend}; {@code
 * porthole.kafka.bootstrap=none} publishes no events. Both are refused unless libvirt is {@code
 * none}, so real VMs' consoles can never be routed elsewhere.
 */
public record AgentConfig(
    String libvirtUri,
    String bindAddress,
    int port,
    String hostId,
    String kafkaBootstrap,
    URI jwksUrl,
    String tokenIssuer,
    String tokenAudience,
    Optional<InetSocketAddress> consoleBackend,
    int maxConsoles,
    int maxConsolesPerVm) {

  public static final String LIBVIRT_URI = "porthole.agent.libvirt-uri";
  public static final String BIND = "porthole.agent.bind";
  public static final String PORT = "porthole.agent.port";
  public static final String HOST_ID = "porthole.agent.host-id";
  public static final String CONSOLE_BACKEND = "porthole.agent.console-backend";
  public static final String MAX_CONSOLES = "porthole.agent.max-consoles";
  public static final String MAX_CONSOLES_PER_VM = "porthole.agent.max-consoles-per-vm";
  public static final String KAFKA_BOOTSTRAP = "porthole.kafka.bootstrap";
  public static final String JWKS_URL = "porthole.jwks.url";
  public static final String TOKEN_ISSUER = "porthole.token.issuer";
  public static final String TOKEN_AUDIENCE = "porthole.token.audience";

  /** The value of {@link #LIBVIRT_URI} and {@link #KAFKA_BOOTSTRAP} that turns them off. */
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
    Optional<String> backend = s.find(CONSOLE_BACKEND).map(String::trim).filter(v -> !v.isEmpty());
    boolean bench = NONE.equals(libvirt);
    if (!bench && backend.isPresent()) {
      throw new ConfigException(
          CONSOLE_BACKEND,
          CONSOLE_BACKEND
              + " is only allowed with "
              + LIBVIRT_URI
              + "=none (benchmark mode); real consoles always go to their VM");
    }
    if (!bench && NONE.equals(kafka)) {
      throw new ConfigException(
          KAFKA_BOOTSTRAP,
          KAFKA_BOOTSTRAP
              + "=none is only allowed with "
              + LIBVIRT_URI
              + "=none (benchmark mode); a real agent must publish its events");
    }
    if (bench && backend.isEmpty()) {
      throw new ConfigException(
          CONSOLE_BACKEND,
          LIBVIRT_URI
              + "=none (benchmark mode) needs "
              + CONSOLE_BACKEND
              + "=127.0.0.1:<port>, the TCP server consoles are relayed to");
    }
    return new AgentConfig(
        libvirt,
        s.get(BIND, "127.0.0.1"),
        port,
        hostId(s.get(HOST_ID, "localhost:" + port)),
        kafka,
        jwksUrl(s.get(JWKS_URL, "http://127.0.0.1:8080/api/v1/jwks")),
        s.get(TOKEN_ISSUER, "porthole-engine"),
        s.get(TOKEN_AUDIENCE, "porthole-console"),
        backend.map(AgentConfig::loopbackAddress),
        s.getInt(MAX_CONSOLES, DEFAULT_MAX_CONSOLES, 1, MAX_MAX_CONSOLES),
        s.getInt(MAX_CONSOLES_PER_VM, DEFAULT_MAX_CONSOLES_PER_VM, 1, MAX_MAX_CONSOLES_PER_VM));
  }

  /** True when libvirt is off and consoles go to {@link #consoleBackend()}. */
  public boolean benchmark() {
    return NONE.equals(libvirtUri);
  }

  /** False when {@code porthole.kafka.bootstrap=none} (benchmark mode only). */
  public boolean publishesEvents() {
    return !NONE.equals(kafkaBootstrap);
  }

  /** {@code 127.0.0.1:PORT} or {@code [::1]:PORT}: an IP literal on loopback and a port. */
  static InetSocketAddress loopbackAddress(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw badBackend(value);
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw badBackend(value); // a literal only: never a name lookup
    }
    int port;
    InetAddress address;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
      address = InetAddress.getByName(host);
    } catch (NumberFormatException | java.net.UnknownHostException e) {
      throw badBackend(value);
    }
    if (port < 1 || port > 65535 || !address.isLoopbackAddress()) {
      throw badBackend(value);
    }
    return new InetSocketAddress(address, port);
  }

  private static ConfigException badBackend(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
    return new ConfigException(
        CONSOLE_BACKEND,
        CONSOLE_BACKEND
            + " must be a loopback address and port such as 127.0.0.1:5900, got '"
            + shown
            + "'");
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
