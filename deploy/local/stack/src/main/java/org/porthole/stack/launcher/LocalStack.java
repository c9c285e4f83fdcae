package org.porthole.stack.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.porthole.stack.demovm.DemoVm;
import org.porthole.stack.demovm.GuestKeytab;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.ExtraAddress;
import org.porthole.stack.host.Ports;
import org.porthole.stack.host.Sleep;
import org.porthole.stack.kafka.KafkaAccess;
import org.porthole.stack.kafka.KafkaBroker;
import org.porthole.stack.kerberos.Kdc;
import org.porthole.stack.keycloak.Keycloak;
import org.porthole.stack.libvirt.Libvirt;
import org.porthole.stack.postgres.Postgres;

/**
 * The whole system on one machine: libvirt with the demo VM, PostgreSQL, Kafka (KRaft), an MIT KDC
 * and Keycloak (sign-in), the engine, the host agent and the ws-proxy, each a child process logging
 * under the state directory. {@link #close()} stops everything it started, in reverse order. After
 * start the demo VM carries the tag {@code demo}, on which the group {@code console-users} (alice)
 * holds {@code console.connect} and {@code console.sso}; the VM has the host principal {@link
 * #demoVmSpn()} (trusted for delegation) and its keytab. With {@link StackOptions#extraAddress()}
 * PostgreSQL, Kafka and Keycloak (https) serve that address too ({@link #extraEndpoints()}).
 */
public final class LocalStack implements AutoCloseable {
  private static final Duration SERVICE_START = Duration.ofSeconds(120);
  private static final String REALM_JSON = "deploy/local/keycloak/porthole-realm.json";

  /** The realm's public client for command-line use (direct access grants). */
  private static final String CLI_CLIENT = "porthole-cli";

  private final StackOptions options;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /** The demo VM's tag and the ACL the stack grants on it. */
  public static final String DEMO_TAG = "demo";

  public static final String DEMO_GROUP = "console-users";
  public static final String DEMO_PERMISSION = "console.connect";
  public static final String DEMO_SSO_PERMISSION = "console.sso";

  private String demoVmUuid;
  private Optional<ExtraAddress> extra = Optional.empty();
  private Postgres postgres;
  private KafkaBroker kafka;
  private Kdc kdc;
  private Keycloak keycloak;
  private ChildProcess hostAgent;

  private LocalStack(StackOptions options) {
    this.options = options;
  }

  /** Starts every part; on failure stops what had started and rethrows. */
  public static LocalStack start(StackOptions options, Progress progress) throws IOException {
    LocalStack stack = new LocalStack(options);
    try {
      stack.startAll(progress);
      return stack;
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  public StackOptions options() {
    return options;
  }

  public String demoVmUuid() {
    return demoVmUuid;
  }

  /** The KDC of the throwaway realm {@link Kdc#REALM} (kinit the demo users with it). */
  public Kdc kdc() {
    return kdc;
  }

  /** The demo VM's host principal, what its guest agent's {@code get-spn} reports. */
  public String demoVmSpn() {
    return GuestKeytab.spnOf(options.demoVmName());
  }

  /**
   * Keycloak's porthole realm on loopback http (the stack's engine reads it there); the issuer in
   * tokens is {@code keycloak().issuerUrl()}, https on the extra address when the stack has one.
   */
  public String realmUrl() {
    return keycloak.realmUrl();
  }

  /** PostgreSQL as the engine uses it: for a second engine, such as one run from its image. */
  public Postgres postgres() {
    return postgres;
  }

  /** The Kafka broker: {@link KafkaBroker#access()} gives another service its user. */
  public KafkaBroker kafka() {
    return kafka;
  }

  /** Keycloak: its {@code porthole-engine} client's secret, for a second engine. */
  public Keycloak keycloak() {
    return keycloak;
  }

  /** The stack's host agent; closing it (its goodbye marks its host offline) lets VMs move. */
  public ChildProcess hostAgent() {
    return hostAgent;
  }

  /**
   * Starts a second KVM host ({@link SecondHost}: its own libvirt daemon and host agent) named
   * {@code name}; stopped with the stack, or earlier by closing it.
   */
  public SecondHost startSecondHost(String name) throws IOException {
    SecondHost host = SecondHost.start(options, kafka.access(), commonEnvironment(), name);
    started.push(host);
    return host;
  }

  /** What every service of the stack is told: where the development PKI and the JWKS are. */
  private Map<String, String> commonEnvironment() {
    return Map.of(
        "PORTHOLE_PKI_DIR",
        options.stateDir().resolve("pki").toString(),
        "PORTHOLE_JWKS_URL",
        "http://127.0.0.1:" + options.enginePort() + "/api/v1/jwks");
  }

  /**
   * Where clients on the extra address's network (pods) reach the stack, when it serves one:
   * PostgreSQL, Kafka's extra listener, Keycloak's realm over https and the CA of its certificate.
   */
  public Optional<ExtraEndpoints> extraEndpoints() {
    return extra.map(e -> Infrastructure.endpoints(e, postgres, kafka, keycloak));
  }

  /**
   * A fresh access token for a demo user ({@link Kdc#DEMO_USERS}), by the password grant of the
   * realm's public client {@code porthole-cli}: for the stack's own set-up calls and for tests.
   */
  public String token(String demoUser) throws IOException {
    String password = Kdc.DEMO_USERS.get(demoUser);
    if (password == null) {
      throw new IllegalArgumentException(
          "not a demo user: " + demoUser + " (" + Kdc.DEMO_USERS.keySet() + ")");
    }
    return keycloak.accessToken(CLI_CLIENT, demoUser, password);
  }

  private void startAll(Progress progress) throws IOException {
    extra = options.extraAddress().map(ExtraAddress::require);
    requireBuilt();
    Files.createDirectories(options.logDir());
    startKdc(progress);
    startDemoVm(progress);
    startInfrastructure(progress);
    ChildProcess engine = startServices(progress);
    progress.step("waiting for the engine to learn the demo VM from the host agent");
    DemoAccess access = new DemoAccess(options.engineUrl(), token("admin"));
    access.awaitListed(demoVmUuid, engine, SERVICE_START, options.logDir());
    progress.step(
        String.format(
            "tagging the demo VM '%s' and granting group %s %s and %s on the tag",
            DEMO_TAG, DEMO_GROUP, DEMO_PERMISSION, DEMO_SSO_PERMISSION));
    access.grant(demoVmUuid, DEMO_TAG, DEMO_GROUP, DEMO_PERMISSION);
    access.grant(demoVmUuid, DEMO_TAG, DEMO_GROUP, DEMO_SSO_PERMISSION);
  }

  /** The KDC first: the demo VM boots with a keytab it makes. */
  private void startKdc(Progress progress) throws IOException {
    progress.step(
        "starting the Kerberos KDC (realm " + Kdc.REALM + ") on 127.0.0.1:" + options.kdcPort());
    kdc = Kdc.start(options.stateDir().resolve("kdc"), options.kdcPort(), options.logDir());
    started.push(kdc);
  }

  private void startDemoVm(Progress progress) throws IOException {
    progress.step("starting libvirt");
    Libvirt.ensureRunning();
    String name = options.demoVmName();
    Optional<GuestKeytab> keytab =
        Optional.of(GuestKeytab.create(kdc, name, options.stateDir().resolve("guest-keytabs")));
    String vm = "demo VM '" + name + "'";
    if (options.transientVm()) {
      progress.step("starting " + vm + " as " + keytab.get().spn());
      demoVmUuid = DemoVm.startTransient(options.repoRoot(), name, keytab);
      started.push(() -> DemoVm.remove(name));
      return;
    }
    progress.step("preparing " + vm + " (its image and definition)");
    DemoVm.Running running = DemoVm.ensureRunning(options.repoRoot(), name, keytab);
    demoVmUuid = running.uuid();
    progress.step(vm + " " + running.boot().words() + ", as " + keytab.get().spn());
  }

  /** PostgreSQL, Kafka and Keycloak (on the extra address too, when asked), stopped by close. */
  private void startInfrastructure(Progress progress) throws IOException {
    Infrastructure parts = Infrastructure.start(options, kdc, extra, REALM_JSON, progress);
    started.push(parts);
    postgres = parts.postgres();
    kafka = parts.kafka();
    keycloak = parts.keycloak();
  }

  /**
   * The engine, the host agent and the ws-proxy, each with its own Kafka user; returns the engine.
   */
  private ChildProcess startServices(Progress progress) throws IOException {
    Map<String, String> common = commonEnvironment();
    progress.step("granting the services their Kafka users and ACLs");
    KafkaAccess access = kafka.access();
    Map<String, String> engineKafka = ServiceCommand.environment(access.engine());
    Map<String, String> agentKafka =
        ServiceCommand.environment(access.hostAgent(options.agentHostId()));
    Map<String, String> proxyKafka = ServiceCommand.environment(access.wsProxy());
    starting(progress, "engine", options.engineUrl(), options.engineManagementUrl());
    ChildProcess engine = startEngine(common, engineKafka);
    starting(progress, "host agent", "127.0.0.1:" + options.agentPort(), options.agentAdminUrl());
    hostAgent =
        service(
            "host-agent",
            jar(ServiceCommand.HOST_AGENT_JAR),
            common,
            agentKafka,
            ServiceCommand.hostAgentEnvironment(
                options.agentPort(), options.agentHostId(), options.agentAdminPort()));
    Ports.await(options.agentPort(), SERVICE_START, hostAgent);
    starting(progress, "ws-proxy", options.proxyUrl(), options.proxyAdminUrl());
    ChildProcess proxy =
        service(
            "ws-proxy",
            jar("services/ws-proxy/target/porthole-ws-proxy.jar"),
            common,
            proxyKafka,
            Map.of(
                "PORTHOLE_PROXY_PORT",
                Integer.toString(options.proxyPort()),
                "PORTHOLE_PROXY_ADMIN_PORT",
                Integer.toString(options.proxyAdminPort()),
                "PORTHOLE_PROXY_ALLOWED_ORIGINS",
                "http://localhost:"
                    + options.enginePort()
                    + ",http://127.0.0.1:"
                    + options.enginePort()));
    Ports.await(options.proxyPort(), SERVICE_START, proxy);
    return engine;
  }

  private static void starting(Progress progress, String service, String at, String admin) {
    progress.step("starting " + service + " on " + at + " (health and metrics on " + admin + ")");
  }

  private ChildProcess startEngine(Map<String, String> common, Map<String, String> engineKafka)
      throws IOException {
    ChildProcess engine =
        service(
            "engine",
            engineJar(),
            common,
            engineKafka,
            Map.ofEntries(
                Map.entry("QUARKUS_HTTP_PORT", Integer.toString(options.enginePort())),
                Map.entry(
                    "QUARKUS_MANAGEMENT_PORT", Integer.toString(options.engineManagementPort())),
                Map.entry("PORTHOLE_UI_SERVICE_LINKS", options.serviceLinks()),
                Map.entry(
                    "PORTHOLE_PUBLIC_URL",
                    "http://localhost:"
                        + options.enginePort()
                        + ",http://127.0.0.1:"
                        + options.enginePort()),
                Map.entry("PORTHOLE_DB_URL", postgres.jdbcUrl()),
                Map.entry("PORTHOLE_DB_USER", postgres.user()),
                Map.entry("PORTHOLE_DB_PASSWORD", postgres.password()),
                Map.entry("PORTHOLE_PROXY_URL", options.proxyUrl()),
                Map.entry("PORTHOLE_OIDC_URL", keycloak.realmUrl()),
                Map.entry("PORTHOLE_OIDC_CLIENT_SECRET", keycloak.engineClientSecret()),
                Map.entry("PORTHOLE_KERBEROS_PRINCIPAL", Kdc.HTTP_PRINCIPAL),
                Map.entry("PORTHOLE_KERBEROS_KEYTAB", kdc.keytab().toString()),
                Map.entry("PORTHOLE_KERBEROS_KRB5_CONF", kdc.krb5Conf().toString()),
                // A test stack's e2e opens hundreds of consoles a minute; the demo keeps the
                // default 30.
                Map.entry(
                    "PORTHOLE_CONSOLE_TICKETS_PER_MINUTE", options.transientVm() ? "1000" : "30")));
    awaitHttp(options.engineUrl() + "/api/v1/jwks", engine);
    return engine;
  }

  private void requireBuilt() {
    for (Path p :
        List.of(
            engineJar(),
            jar(ServiceCommand.HOST_AGENT_JAR),
            jar("services/ws-proxy/target/porthole-ws-proxy.jar"))) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(
            "missing " + p + ": build first (./mvnw -DskipTests package, or ./porthole up)");
      }
    }
  }

  private Path engineJar() {
    return jar("services/engine/target/quarkus-app/quarkus-run.jar");
  }

  private Path jar(String relative) {
    return options.repoRoot().resolve(relative);
  }

  private ChildProcess service(
      String name,
      Path jar,
      Map<String, String> common,
      Map<String, String> kafka,
      Map<String, String> own)
      throws IOException {
    Map<String, String> env = new HashMap<>(common);
    env.putAll(kafka);
    env.putAll(own);
    List<String> command = ServiceCommand.java(jar);
    ChildProcess child =
        ChildProcess.start(name, command, env, options.logDir().resolve(name + ".log"));
    started.push(child);
    return child;
  }

  private static void awaitHttp(String url, ChildProcess process) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(SERVICE_START);
    while (Instant.now().isBefore(deadline)) {
      process.checkAlive();
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      Sleep.millis(300);
    }
    throw new IllegalStateException(
        url
            + " did not answer 200 within "
            + SERVICE_START
            + "; log of "
            + process.name()
            + ":\n"
            + process.tail(40));
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("porthole: stopping a part failed: " + e.getMessage());
      }
    }
  }

  /** Progress lines for a person waiting at a terminal. */
  @FunctionalInterface
  public interface Progress {
    void step(String what);
  }
}
