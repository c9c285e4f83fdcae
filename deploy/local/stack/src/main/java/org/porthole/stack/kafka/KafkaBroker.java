package org.porthole.stack.kafka;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.stack.host.ChildProcess;
import org.porthole.stack.host.ExtraAddress;
import org.porthole.stack.host.Ports;
import org.porthole.stack.host.Secrets;
import org.porthole.stack.host.Sleep;

/**
 * A real Kafka broker in KRaft mode (combined broker and controller, one node), run in a child JVM
 * from the {@code kafka_2.13} jars on this JVM's classpath. Its log directory is kept: a second
 * start on the same directory keeps every topic and offset.
 *
 * <p>Nothing gets in unauthenticated: the client listener takes SASL/SCRAM-SHA-512 only, the
 * controller listener SASL/PLAIN with a secret only the broker holds, and the {@code
 * StandardAuthorizer} refuses whatever no ACL allows ({@link KafkaAccess} grants each service its
 * own). SCRAM rather than mTLS: a credential per service is a file and one admin call, with no
 * certificate per principal to issue and rotate, and the super user's credential is written into
 * the metadata log when the storage is formatted, before the broker first starts. Secrets live in
 * owner-only files under {@code <dataDir>/secrets}; the format tool gets its SCRAM argument on
 * stdin, never on a command line.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** The super user the stack provisions with; never given to a service. */
  public static final String ADMIN_USER = "porthole-admin";

  /** The broker's own principal on the controller listener (JAAS option names allow no dash). */
  private static final String CONTROLLER_USER = "kraft";

  private static final String SCRAM = "SCRAM-SHA-512";
  private static final String FORMATTED_WITH_SCRAM = "scram-formatted";

  /** The broker running now: replaced by {@link #startAgain()} after {@link #kill()}. */
  private volatile ChildProcess process;

  private final List<String> command;
  private final Path log;
  private final int port;
  private final Path secrets;
  private final Optional<Listener> extra;

  private KafkaBroker(
      List<String> command, Path log, int port, Path secrets, Optional<Listener> extra) {
    this.command = List.copyOf(command);
    this.log = log;
    this.port = port;
    this.secrets = secrets;
    this.extra = extra;
  }

  /**
   * A second client listener: {@code address}:{@code port}, advertised as itself, with the same
   * SASL/SCRAM and ACLs as the loopback one. Its own port (Kafka wants one per listener).
   */
  public record Listener(ExtraAddress address, int port) {
    String hostPort() {
      return address.host() + ":" + port;
    }
  }

  /**
   * Starts a broker listening on 127.0.0.1:{@code port}, formatting {@code dataDir} when new. A
   * broker that dies during start-up (its controller port can be taken between our check and its
   * bind) is started once more with a freshly chosen controller port; its log keeps both attempts.
   */
  public static KafkaBroker start(Path dataDir, int port, Path logDir) throws IOException {
    return start(dataDir, port, logDir, Optional.empty());
  }

  /**
   * As {@link #start(Path, int, Path)}, with a second client listener when {@code extra} is set.
   */
  public static KafkaBroker start(Path dataDir, int port, Path logDir, Optional<Listener> extra)
      throws IOException {
    requireKafkaOnClasspath();
    // The controller sits next to the broker so a restarted broker finds its quorum where it was.
    int controllerPort = Ports.isOpen(port + 1) ? Ports.free() : port + 1;
    try {
      return startOnce(dataDir, port, controllerPort, logDir, extra);
    } catch (BrokerDied e) {
      System.err.println(
          "porthole: Kafka exited during start-up; retrying once with another controller port"
              + " (see "
              + logDir.resolve("kafka.log")
              + ")");
      return startOnce(dataDir, port, Ports.free(), logDir, extra);
    }
  }

  private static KafkaBroker startOnce(
      Path dataDir, int port, int controllerPort, Path logDir, Optional<Listener> extra)
      throws IOException {
    Files.createDirectories(dataDir);
    Path secrets = dataDir.resolve("secrets");
    Files.createDirectories(secrets);
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path config = dataDir.resolve("server.properties");
    Path logs = dataDir.resolve("data");
    Path marker = secrets.resolve(FORMATTED_WITH_SCRAM);
    if (Files.exists(logs.resolve("meta.properties")) && !Files.exists(marker)) {
      // A log formatted before authentication has no super user; its events are development data.
      System.err.println(
          "porthole: " + logs + " was formatted without SCRAM credentials; formatting it afresh");
      deleteTree(logs);
    }
    String adminPassword = Secrets.readOrCreate(secrets.resolve(ADMIN_USER + ".password"));
    writeConfig(
        config,
        new ListenerPorts(port, controllerPort, extra),
        logs,
        adminPassword,
        Secrets.readOrCreate(secrets.resolve("controller.password")));
    if (!Files.exists(logs.resolve("meta.properties"))) {
      format(config, adminPassword, logDir);
      Secrets.writeOwnerOnly(marker, "");
    }
    KafkaBroker broker =
        new KafkaBroker(
            java("kafka.Kafka", config.toString()),
            logDir.resolve("kafka.log"),
            port,
            secrets,
            extra);
    broker.launch();
    return broker;
  }

  /**
   * Kills the broker with SIGKILL, as a crash would; its log directory (topics, offsets, the
   * metadata log) stays. For chaos tests and by hand; {@link #startAgain()} brings it back.
   */
  public synchronized void kill() {
    process.kill();
  }

  /**
   * Starts the broker again after {@link #kill()} (or a crash) with the same configuration: the
   * same client and controller ports and log directory. Waits until it serves clients.
   */
  public synchronized void startAgain() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("Kafka still runs on " + bootstrap());
    }
    launch();
  }

  /** True while the broker process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  private void launch() throws IOException {
    ChildProcess child = ChildProcess.start("kafka", command, Map.of(), log);
    process = child;
    try {
      awaitReady();
    } catch (RuntimeException e) {
      child.close();
      if (!child.isAlive() && e.getMessage() != null && e.getMessage().startsWith("kafka exited")) {
        throw new BrokerDied(e);
      }
      throw e;
    }
  }

  /** The broker process exited before it became ready. */
  private static final class BrokerDied extends IllegalStateException {
    BrokerDied(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The extra listener's {@code host:port} (what it advertises), when the broker has one. */
  public Optional<String> extraBootstrap() {
    return extra.map(Listener::hostPort);
  }

  /**
   * The super user's credentials (the stack's own set-up and tests' observers; never a service's).
   */
  public KafkaClientSettings admin() {
    return KafkaClientSettings.plaintext(
        bootstrap(), ADMIN_USER, secrets.resolve(ADMIN_USER + ".password"));
  }

  /** Grants services their principals and ACLs on this broker. */
  public KafkaAccess access() {
    return new KafkaAccess(admin(), secrets.resolve("users"));
  }

  private static void requireKafkaOnClasspath() {
    try {
      Class.forName("kafka.Kafka", false, KafkaBroker.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "the Kafka broker jars (org.apache.kafka:kafka_2.13) are not on the classpath;"
              + " depend on org.porthole:porthole-stack, which brings them");
    }
  }

  /** The broker's ports: loopback clients, the controller, and the extra listener if any. */
  private record ListenerPorts(int client, int controller, Optional<Listener> extra) {}

  private static void writeConfig(
      Path config, ListenerPorts ports, Path logs, String adminPassword, String controllerPassword)
      throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + ports.controller());
    String client = "CLIENT://127.0.0.1:" + ports.client();
    String extra = ports.extra().map(l -> ",EXTRA://" + l.hostPort()).orElse("");
    p.setProperty("listeners", client + extra + ",CONTROLLER://127.0.0.1:" + ports.controller());
    p.setProperty("advertised.listeners", client + extra);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "CLIENT");
    p.setProperty(
        "listener.security.protocol.map",
        "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"
            + (ports.extra().isPresent() ? ",EXTRA:SASL_PLAINTEXT" : ""));
    ports.extra().ifPresent(l -> extraListenerSasl(p));
    // Clients: SCRAM only. The broker reaches itself as the super user.
    p.setProperty("listener.name.client.sasl.enabled.mechanisms", SCRAM);
    p.setProperty("sasl.mechanism.inter.broker.protocol", SCRAM);
    p.setProperty(
        "listener.name.client.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + ADMIN_USER
            + "\" password=\""
            + adminPassword
            + "\";");
    // The controller listener: PLAIN (KRaft cannot use SCRAM there), one user, the broker itself.
    p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
    p.setProperty(
        "listener.name.controller.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + CONTROLLER_USER
            + "\" password=\""
            + controllerPassword
            + "\" user_"
            + CONTROLLER_USER
            + "=\""
            + controllerPassword
            + "\";");
    p.setProperty(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.setProperty("allow.everyone.if.no.acl.found", "false");
    p.setProperty("super.users", "User:" + ADMIN_USER + ";User:" + CONTROLLER_USER);
    p.setProperty("log.dirs", logs.toString());
    p.setProperty("num.partitions", "3");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "3");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // The file holds secrets: owner-only before they are written.
    StringWriter text = new StringWriter();
    p.store(text, "written by porthole-stack on every start");
    Secrets.writeOwnerOnly(config, text.toString());
  }

  /**
   * The extra listener authenticates clients exactly as the loopback one (SCRAM, same users and
   * ACLs); the broker never connects to it, so it holds no credential of its own.
   */
  private static void extraListenerSasl(Properties p) {
    p.setProperty("listener.name.extra.sasl.enabled.mechanisms", SCRAM);
    p.setProperty(
        "listener.name.extra.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
  }

  /**
   * Formats the log with the super user's SCRAM credential; the password goes to the tool on stdin.
   */
  private static void format(Path config, String adminPassword, Path logDir) throws IOException {
    List<String> command =
        java(KafkaFormat.class.getName(), Uuid.randomUuid().toString(), config.toString());
    String out =
        ChildProcess.run(
            command,
            Map.of(),
            SCRAM + "=[name=" + ADMIN_USER + ",password=" + adminPassword + "]\n",
            Duration.ofSeconds(90));
    Files.createDirectories(logDir);
    Files.writeString(logDir.resolve("kafka-format.log"), out, StandardCharsets.UTF_8);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static List<String> java(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xms128m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-Djava.awt.headless=true",
            "-cp",
            System.getProperty("java.class.path"),
            mainClass));
    command.addAll(List.of(args));
    return command;
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    Map<String, Object> config = admin().clientProperties("porthole-stack-ready");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    while (Instant.now().isBefore(deadline)) {
      process.checkAlive();
      if (Ports.isOpen(port)) {
        try (Admin admin = Admin.create(config)) {
          admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          // not ready yet
        }
      }
      Sleep.millis(300);
    }
    throw new IllegalStateException(
        "Kafka did not become ready on "
            + bootstrap()
            + " within "
            + START_TIMEOUT
            + "; log:\n"
            + process.tail(40));
  }

  @Override
  public void close() {
    process.close();
  }
}
