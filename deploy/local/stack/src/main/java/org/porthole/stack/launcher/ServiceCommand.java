package org.porthole.stack.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.porthole.config.Settings;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.stack.libvirt.Libvirt;

/** How the stack runs one of Porthole's services: the java command line and its Kafka settings. */
final class ServiceCommand {
  /** The host agent's jar, relative to the repository. */
  static final String HOST_AGENT_JAR = "services/host-agent/target/porthole-host-agent.jar";

  private ServiceCommand() {}

  /**
   * A host agent's own settings: its gRPC port, the host id its certificate names, its libvirt (the
   * machine's, or inside its namespace the second daemon's) and its admin port.
   */
  static Map<String, String> hostAgentEnvironment(int port, String hostId, int adminPort) {
    return Map.of(
        "PORTHOLE_AGENT_PORT",
        Integer.toString(port),
        "PORTHOLE_AGENT_HOST_ID",
        hostId,
        "PORTHOLE_AGENT_LIBVIRT_URI",
        Libvirt.URI,
        "PORTHOLE_AGENT_ADMIN_PORT",
        Integer.toString(adminPort));
  }

  /** {@code java ... -jar JAR} with the stack's heap, GC and TLS settings. */
  static List<String> java(Path jar) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m",
        "-XX:+UseSerialGC",
        "-Dporthole.stack=local",
        // No TLS listener of ours accepts a client-initiated renegotiation (JDK provider).
        "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
        "-jar",
        jar.toString());
  }

  /**
   * A service's {@code porthole.kafka.*} settings as its environment (a password file, never a
   * password).
   */
  static Map<String, String> environment(KafkaClientSettings kafka) {
    Map<String, String> env = new HashMap<>();
    kafka.asSettings().forEach((key, value) -> env.put(Settings.environmentName(key), value));
    return env;
  }
}
