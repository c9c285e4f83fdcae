package org.porthole.e2e.cluster;

import java.nio.file.Path;
import org.porthole.stack.launcher.StackOptions;

/**
 * What {@code ci/dev-values.yaml} needs of a running one-machine stack besides its accessors: the
 * development CA's files (the stack's {@code DevPki} layout) and the loopback addresses of
 * PostgreSQL and Kafka.
 */
final class DevSecrets {
  private final StackOptions stack;

  DevSecrets(StackOptions stack) {
    this.stack = stack;
  }

  Path caCert() {
    return stack.stateDir().resolve("pki/ca.pem");
  }

  Path caKey() {
    return stack.stateDir().resolve("pki/ca.key");
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + stack.postgresPort() + "/porthole";
  }

  String kafkaBootstrap() {
    return "127.0.0.1:" + stack.kafkaPort();
  }
}
