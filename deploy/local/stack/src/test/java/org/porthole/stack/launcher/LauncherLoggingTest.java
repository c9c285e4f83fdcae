package org.porthole.stack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** {@code ./porthole up}'s log keeps Kafka's client configuration dumps out and warnings in. */
class LauncherLoggingTest {
  @Test
  void kafkaClientConfigDumpIsNotLoggedButWarningsAre() {
    LauncherLogging.configure();
    // Kafka's AbstractConfig logs "AdminClientConfig values: ..." (one line per key) at INFO.
    Logger config = Logger.getLogger("org.apache.kafka.common.config.AbstractConfig");
    assertThat(config.isLoggable(Level.INFO)).isFalse();
    assertThat(config.isLoggable(Level.WARNING)).isTrue();
    assertThat(Logger.getLogger("org.porthole.stack").isLoggable(Level.INFO)).isTrue();
  }
}
