package org.porthole.stack;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker in KRaft mode (combined broker and controller, one node), run in a
 * child JVM from the {@code kafka_2.13} jars on this JVM's classpath. Its log directory is
 * kept: a second start on the same directory keeps every topic and offset.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final ChildProcess process;
  private final int port;

  private KafkaBroker(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts a broker listening on 127.0.0.1:{@code port}, formatting {@code dataDir} when new. A
   * broker that dies during start-up (its controller port can be taken between our check and its
   * bind) is started once more with a freshly chosen controller port; its log keeps both attempts.
   */
  public static KafkaBroker start(Path dataDir, int port, Path logDir) throws IOException {
    requireKafkaOnClasspath();
    // The controller sits next to the broker so a restarted broker finds its quorum where it was.
    int controllerPort = Ports.isOpen(port + 1) ? Ports.free() : port + 1;
    try {
      return startOnce(dataDir, port, controllerPort, logDir);
    } catch (BrokerDied e) {
      System.err.println("porthole: Kafka exited during start-up; retrying once with another controller port"
          + " (see " + logDir.resolve("kafka.log") + ")");
      return startOnce(dataDir, port, Ports.free(), logDir);
    }
  }

  private static KafkaBroker startOnce(Path dataDir, int port, int controllerPort, Path logDir) throws IOException {
    Files.createDirectories(dataDir);
    Path config = dataDir.resolve("server.properties");
    Path logs = dataDir.resolve("data");
    writeConfig(config, logs, port, controllerPort);
    if (!Files.exists(logs.resolve("meta.properties"))) {
      format(config, logDir);
    }
    List<String> command = java("kafka.Kafka", config.toString());
    ChildProcess child = ChildProcess.start("kafka", command, Map.of(), logDir.resolve("kafka.log"));
    KafkaBroker broker = new KafkaBroker(child, port);
    try {
      broker.awaitReady();
    } catch (RuntimeException e) {
      child.close();
      if (!child.isAlive() && e.getMessage() != null && e.getMessage().startsWith("kafka exited")) {
        throw new BrokerDied(e);
      }
      throw e;
    }
    return broker;
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

  private static void requireKafkaOnClasspath() {
    try {
      Class.forName("kafka.Kafka", false, KafkaBroker.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the Kafka broker jars (org.apache.kafka:kafka_2.13) are not on the classpath;"
          + " depend on org.porthole:porthole-stack, which brings them");
    }
  }

  private static void writeConfig(Path config, Path logs, int port, int controllerPort) throws IOException {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
    try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      p.store(w, "written by porthole-stack on every start");
    }
  }

  private static void format(Path config, Path logDir) throws IOException {
    List<String> command = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
        "-c", config.toString());
    ChildProcess formatter = ChildProcess.start("kafka-storage", command, Map.of(), logDir.resolve("kafka-format.log"));
    try {
      if (!formatterExited(formatter)) {
        throw new IllegalStateException("kafka storage format did not finish; log:\n" + formatter.tail(20));
      }
    } finally {
      formatter.close();
    }
  }

  private static boolean formatterExited(ChildProcess formatter) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (formatter.isAlive()) {
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      Sleep.millis(100);
    }
    return true;
  }

  private static List<String> java(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return command;
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
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
    throw new IllegalStateException("Kafka did not become ready on " + bootstrap() + " within " + START_TIMEOUT
        + "; log:\n" + process.tail(40));
  }

  @Override
  public void close() {
    process.close();
  }
}
