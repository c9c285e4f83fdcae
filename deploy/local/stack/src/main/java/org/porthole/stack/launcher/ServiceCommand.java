package org.porthole.stack.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.porthole.config.Settings;
import org.porthole.kafka.KafkaClientSettings;

/** How the stack runs one of Porthole's services: the java command line and its Kafka settings. */
final class ServiceCommand {
  private ServiceCommand() {}

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
