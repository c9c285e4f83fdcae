package org.porthole.e2e.containers;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.porthole.config.Settings;
import org.porthole.e2e.images.HardenedRun;
import org.porthole.e2e.images.MountedFiles;
import org.porthole.e2e.images.Poll;
import org.porthole.e2e.images.ServiceImage;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.pki.ServiceIdentity;
import org.porthole.stack.host.Ports;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.stack.postgres.Postgres;
import org.porthole.testsupport.admin.AdminGet;

/**
 * The engine and the ws-proxy from the images {@code -Pimages} built, run as a cluster runs them
 * ({@link HardenedRun}: the host's network, uid 10001, a read-only root filesystem, a tmpfs {@code
 * /tmp}, never pulled), against the one-machine stack's PostgreSQL, Kafka, Keycloak, KDC and host
 * agent. They get the settings the stack gives its own engine and ws-proxy processes ({@code
 * LocalStack}), only as {@code PORTHOLE_*} / {@code QUARKUS_*} variables and files mounted under
 * {@code /etc/porthole}, on ports of their own.
 *
 * <p>The engine is a second replica of the stack's: the same database (so the same VMs, ACLs and
 * token signing keys, which the stack's host agent fetches from the other replica's JWKS) and the
 * same Kafka user and consumer group. The ws-proxy verifies tokens with this engine's JWKS and
 * admits only this engine's page as an origin.
 */
final class ServicesFromImages implements AutoCloseable {
  static final String SERVICE_UID = "10001";

  private static final Pattern ENGINE_READY = Pattern.compile("Listening on: http");
  private static final Pattern PROXY_READY = Pattern.compile("ws-proxy listening on");
  private static final Duration READY_WAIT = Duration.ofSeconds(60);
  private static final String PASSWORD_IN_CONTAINER = MountedFiles.KAFKA_DIR + "/password";

  private final int enginePort;
  private final int engineManagementPort;
  private final int proxyPort;
  private final int proxyAdminPort;
  private HardenedRun engine;
  private HardenedRun proxy;

  private ServicesFromImages(int[] ports) {
    this.enginePort = ports[0];
    this.engineManagementPort = ports[1];
    this.proxyPort = ports[2];
    this.proxyAdminPort = ports[3];
  }

  /**
   * Starts the engine, then the ws-proxy, and returns once both are ready (the engine reaches
   * PostgreSQL, the ws-proxy holds the engine's keys); on failure stops what had started.
   *
   * @param work where the mounted files are made
   * @param version the images' tag
   */
  static ServicesFromImages start(LocalStack stack, Path work, String version)
      throws IOException, InterruptedException {
    ServicesFromImages services = new ServicesFromImages(Ports.distinct(4));
    try {
      services.startEngine(stack, work.resolve("engine"), version);
      services.startProxy(stack, work.resolve("ws-proxy"), version);
      return services;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      services.close();
      throw e;
    }
  }

  /** Where the browser reaches the engine in its container. */
  String engineUrl() {
    return "http://localhost:" + enginePort;
  }

  /** The engine's management interface: health and metrics. */
  String engineManagementUrl() {
    return "http://127.0.0.1:" + engineManagementPort;
  }

  /** The ws-proxy's admin port: health and metrics. */
  String proxyAdminUrl() {
    return "http://127.0.0.1:" + proxyAdminPort;
  }

  HardenedRun engine() {
    return engine;
  }

  HardenedRun proxy() {
    return proxy;
  }

  private void startEngine(LocalStack stack, Path dir, String version)
      throws IOException, InterruptedException {
    KafkaClientSettings kafka = stack.kafka().access().engine();
    MountedFiles files = files(stack, ServiceIdentity.engine(), dir, kafka);
    Path kerberos =
        MountedFiles.kerberos(
            dir.resolve("kerberos"),
            stack.kdc().krb5Conf(),
            stack.kdc().keytab(),
            Integer.parseInt(SERVICE_UID));
    Postgres postgres = stack.postgres();
    String origins = "http://localhost:" + enginePort + ",http://127.0.0.1:" + enginePort;
    Map<String, String> env = environment(kafka);
    env.putAll(
        Map.ofEntries(
            Map.entry("QUARKUS_HTTP_PORT", Integer.toString(enginePort)),
            Map.entry("QUARKUS_MANAGEMENT_PORT", Integer.toString(engineManagementPort)),
            Map.entry("PORTHOLE_UI_SERVICE_LINKS", serviceLinks(stack)),
            Map.entry("PORTHOLE_PUBLIC_URL", origins),
            Map.entry("PORTHOLE_DB_URL", postgres.jdbcUrl()),
            Map.entry("PORTHOLE_DB_USER", postgres.user()),
            Map.entry("PORTHOLE_DB_PASSWORD", postgres.password()),
            Map.entry("PORTHOLE_PROXY_URL", "ws://localhost:" + proxyPort + "/v1/console"),
            Map.entry("PORTHOLE_OIDC_URL", stack.realmUrl()),
            Map.entry("PORTHOLE_OIDC_CLIENT_SECRET", stack.keycloak().engineClientSecret()),
            Map.entry("PORTHOLE_KERBEROS_PRINCIPAL", Kdc.HTTP_PRINCIPAL),
            Map.entry("PORTHOLE_KERBEROS_KEYTAB", MountedFiles.KERBEROS_DIR + "/keytab"),
            Map.entry("PORTHOLE_KERBEROS_KRB5_CONF", MountedFiles.KERBEROS_DIR + "/krb5.conf"),
            // As the stack's test engine: an e2e run opens many consoles a minute.
            Map.entry("PORTHOLE_CONSOLE_TICKETS_PER_MINUTE", "1000")));
    engine =
        withFiles(HardenedRun.of(image("engine", stack, version), ENGINE_READY), files)
            .mount(kerberos, MountedFiles.KERBEROS_DIR)
            .env(env)
            .start();
    awaitReady(engineManagementUrl(), engine);
  }

  private void startProxy(LocalStack stack, Path dir, String version)
      throws IOException, InterruptedException {
    KafkaClientSettings kafka = stack.kafka().access().wsProxy();
    MountedFiles files = files(stack, ServiceIdentity.wsProxy(), dir, kafka);
    Map<String, String> env = environment(kafka);
    env.put("PORTHOLE_PROXY_PORT", Integer.toString(proxyPort));
    env.put("PORTHOLE_PROXY_ADMIN_PORT", Integer.toString(proxyAdminPort));
    env.put(
        "PORTHOLE_PROXY_ALLOWED_ORIGINS",
        "http://localhost:" + enginePort + ",http://127.0.0.1:" + enginePort);
    env.put("PORTHOLE_JWKS_URL", "http://127.0.0.1:" + enginePort + "/api/v1/jwks");
    proxy =
        withFiles(HardenedRun.of(image("ws-proxy", stack, version), PROXY_READY), files)
            .env(env)
            .start();
    awaitReady(proxyAdminUrl(), proxy);
  }

  /** The footer's links to the other services, as the stack gives its engine. */
  private String serviceLinks(LocalStack stack) {
    String agent = stack.options().agentAdminUrl();
    return String.join(
        ",",
        "ws-proxy health=" + proxyAdminUrl() + "/q/health",
        "ws-proxy metrics=" + proxyAdminUrl() + "/metrics",
        "host agent health=" + agent + "/q/health",
        "host agent metrics=" + agent + "/metrics");
  }

  /**
   * The role's TLS files issued by the stack's development CA (the one its host agent trusts) and
   * its Kafka user's password file, owned by the images' user.
   */
  private static MountedFiles files(
      LocalStack stack, ServiceIdentity identity, Path dir, KafkaClientSettings kafka)
      throws IOException {
    // The stack's services share its development PKI there (PORTHOLE_PKI_DIR).
    Path pki = stack.options().stateDir().resolve("pki");
    return MountedFiles.create(
        pki, identity, dir, Integer.parseInt(SERVICE_UID), kafka.passwordFile());
  }

  /** TLS and Kafka settings as the stack gives its services, with the mounted files' paths. */
  private static Map<String, String> environment(KafkaClientSettings kafka) {
    if (kafka.caFile().isPresent()) {
      throw new IllegalStateException("the stack's Kafka uses TLS: mount its CA file as well");
    }
    Map<String, String> env =
        new HashMap<>(MountedFiles.environment(kafka.bootstrap(), kafka.user()));
    kafka.asSettings().forEach((key, value) -> env.put(Settings.environmentName(key), value));
    env.put(Settings.environmentName(KafkaClientSettings.PASSWORD_FILE), PASSWORD_IN_CONTAINER);
    return env;
  }

  private static HardenedRun.Builder withFiles(HardenedRun.Builder run, MountedFiles files) {
    return run.mount(files.tlsDir(), MountedFiles.TLS_DIR)
        .mount(files.kafkaDir(), MountedFiles.KAFKA_DIR);
  }

  private static ServiceImage image(String name, LocalStack stack, String version) {
    ServiceImage image = new ServiceImage(name, version, stack.options().repoRoot());
    try {
      image.inspect();
    } catch (NotFoundException e) {
      throw new IllegalStateException(
          image.reference()
              + " is not in the local Docker daemon: build the images first"
              + " (./mvnw -Pit,images verify -pl e2e -am, or ./mvnw -Pimages package)",
          e);
    }
    return image;
  }

  /** Waits until the service's {@code /q/health/ready} answers 200. */
  private static void awaitReady(String admin, HardenedRun run) throws InterruptedException {
    String url = admin + "/q/health/ready";
    Poll.until(
        READY_WAIT,
        () -> {
          try {
            return AdminGet.get(url).status() == 200;
          } catch (IOException e) {
            return false;
          }
        },
        () ->
            url
                + " did not answer 200 within "
                + READY_WAIT
                + "; the service's log:\n"
                + run.log());
  }

  /** Stops the ws-proxy, then the engine, each with a grace period. */
  @Override
  public void close() {
    if (proxy != null) {
      proxy.close();
    }
    if (engine != null) {
      engine.close();
    }
  }
}
