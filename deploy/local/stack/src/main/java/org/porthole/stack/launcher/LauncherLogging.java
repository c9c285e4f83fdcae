package org.porthole.stack.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.logging.LogManager;

/**
 * The launcher's java.util.logging set-up ({@code logging.properties} beside this class): one line
 * per record, and Kafka's clients at WARNING, so {@code ./porthole up} shows its own progress and
 * not each admin client's configuration dump. An operator's {@code -Djava.util.logging.config.file}
 * wins.
 */
final class LauncherLogging {
  private static final String CONFIG_FILE_PROPERTY = "java.util.logging.config.file";

  private LauncherLogging() {}

  /** Must run before the first library logs. */
  static void configure() {
    if (System.getProperty(CONFIG_FILE_PROPERTY) != null) {
      return;
    }
    try (InputStream in = LauncherLogging.class.getResourceAsStream("logging.properties")) {
      if (in == null) {
        throw new IllegalStateException("logging.properties is missing from the stack jar");
      }
      LogManager.getLogManager().readConfiguration(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
