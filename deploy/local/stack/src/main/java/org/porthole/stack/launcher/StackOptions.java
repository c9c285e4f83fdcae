package org.porthole.stack.launcher;

import java.nio.file.Path;
import java.util.Optional;
import org.porthole.stack.host.OsUser;
import org.porthole.stack.host.Ports;

/**
 * Where the one-machine stack keeps its state and which loopback ports it uses.
 *
 * @param repoRoot the Porthole checkout (built artifacts and scripts are found there)
 * @param stateDir PostgreSQL, Kafka, KDC and Keycloak data, the development PKI and logs
 * @param demoVmName the demo domain's name (persistent for {@code up}, transient in tests)
 * @param engineManagementPort the engine's health and metrics ({@code quarkus.management.port})
 * @param proxyAdminPort the ws-proxy's health and metrics ({@code porthole.proxy.admin-port})
 * @param agentAdminPort the host agent's health and metrics ({@code porthole.agent.admin-port})
 * @param kafkaExtraPort Kafka's listener on the extra address (Kafka wants a port per listener)
 * @param keycloakHttpsPort Keycloak's https, on 127.0.0.1 and the extra address (only with one)
 * @param extraAddress an address of this machine besides loopback to serve PostgreSQL, Kafka and
 *     Keycloak's https on as well (pods of the one-node Kubernetes: {@code 10.213.0.1}); checked
 *     when the stack starts ({@link org.porthole.stack.host.ExtraAddress})
 */
public record StackOptions(
    Path repoRoot,
    Path stateDir,
    int postgresPort,
    int kafkaPort,
    int enginePort,
    int proxyPort,
    int agentPort,
    int kdcPort,
    int keycloakPort,
    String demoVmName,
    boolean transientVm,
    int engineManagementPort,
    int proxyAdminPort,
    int agentAdminPort,
    int kafkaExtraPort,
    int keycloakHttpsPort,
    Optional<String> extraAddress) {

  /** The system property of {@link #extraAddress()} for {@code ./porthole up}. */
  public static final String EXTRA_ADDRESS_PROPERTY = "porthole.stack.extra-address";

  /** The environment variable of {@link #extraAddress()} for {@code ./porthole up}. */
  public static final String EXTRA_ADDRESS_ENV = "PORTHOLE_STACK_EXTRA_ADDRESS";

  /** The documented defaults of {@code ./porthole up}. */
  public static StackOptions defaults(Path repoRoot) {
    Path state =
        OsUser.isRoot()
            ? Path.of("/var/lib/porthole")
            : Path.of(System.getProperty("user.home"), ".porthole");
    return new StackOptions(
        repoRoot,
        state,
        55432,
        59092,
        8080,
        8081,
        9443,
        58088,
        8180,
        "porthole-demo",
        false,
        9180,
        9181,
        9182,
        59094,
        8543,
        Optional.empty());
  }

  /** Fresh state and free ports, so a test stack never meets a developer's running one. */
  public static StackOptions forTest(Path repoRoot, Path stateDir, String vmName) {
    int[] p = Ports.distinct(12);
    return new StackOptions(
        repoRoot,
        stateDir,
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        p[5],
        p[6],
        vmName,
        true,
        p[7],
        p[8],
        p[9],
        p[10],
        p[11],
        Optional.empty());
  }

  /**
   * The same options serving {@code address} too (an IPv4 address of this machine, such as the
   * one-node Kubernetes' {@code 10.213.0.1}): PostgreSQL on it (SCRAM from its subnet), Kafka's
   * second listener {@link #kafkaExtraPort()}, Keycloak's https {@link #keycloakHttpsPort()}, and
   * the realm's issuer becomes {@code https://<address>:<https port>/realms/porthole}.
   */
  public StackOptions withExtraAddress(String address) {
    return new StackOptions(
        repoRoot,
        stateDir,
        postgresPort,
        kafkaPort,
        enginePort,
        proxyPort,
        agentPort,
        kdcPort,
        keycloakPort,
        demoVmName,
        transientVm,
        engineManagementPort,
        proxyAdminPort,
        agentAdminPort,
        kafkaExtraPort,
        keycloakHttpsPort,
        Optional.of(address));
  }

  public Path logDir() {
    return stateDir.resolve("logs");
  }

  public String engineUrl() {
    return "http://localhost:" + enginePort;
  }

  public String proxyUrl() {
    return "ws://localhost:" + proxyPort + "/v1/console";
  }

  /** The engine's management interface: {@code /q/health}, {@code /metrics}. */
  public String engineManagementUrl() {
    return "http://127.0.0.1:" + engineManagementPort;
  }

  /** The ws-proxy's admin port: {@code /q/health}, {@code /metrics}. */
  public String proxyAdminUrl() {
    return "http://127.0.0.1:" + proxyAdminPort;
  }

  /** The host agent's admin port: {@code /q/health}, {@code /metrics}. */
  public String agentAdminUrl() {
    return "http://127.0.0.1:" + agentAdminPort;
  }

  /**
   * The engine's {@code porthole.ui.service-links}: the other services' health and metrics, as the
   * page footer links them ({@code label=url}, comma-separated).
   */
  public String serviceLinks() {
    return String.join(
        ",",
        "ws-proxy health=" + proxyAdminUrl() + "/q/health",
        "ws-proxy metrics=" + proxyAdminUrl() + "/metrics",
        "host agent health=" + agentAdminUrl() + "/q/health",
        "host agent metrics=" + agentAdminUrl() + "/metrics");
  }

  public String agentHostId() {
    return "localhost:" + agentPort;
  }
}
