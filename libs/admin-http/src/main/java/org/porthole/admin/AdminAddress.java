package org.porthole.admin;

import java.io.IOException;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;

/**
 * Where a service's admin port listens: {@code <prefix>.admin-bind} and {@code <prefix>.admin-port}
 * (0 = any free port; a negative or too large port stops the service).
 *
 * @param bind the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0} in a pod
 * @param port the port, 0 for any free one
 */
public record AdminAddress(String bind, int port) {
  /** Reads {@code <prefix>.admin-bind} (default 127.0.0.1) and {@code <prefix>.admin-port}. */
  public static AdminAddress from(Settings settings, String prefix, int defaultPort) {
    return new AdminAddress(
        settings.get(bindKey(prefix), "127.0.0.1"),
        settings.getInt(portKey(prefix), defaultPort, 0, 65535));
  }

  public static String bindKey(String prefix) {
    return prefix + ".admin-bind";
  }

  public static String portKey(String prefix) {
    return prefix + ".admin-port";
  }

  /** The start-up failure when this address cannot be bound, naming {@code prefix}'s port key. */
  public ConfigException cannotListen(String prefix, IOException cause) {
    String key = portKey(prefix);
    return new ConfigException(
        key,
        "configuration "
            + key
            + ": cannot listen on "
            + bind()
            + ":"
            + port()
            + " ("
            + cause.getMessage()
            + ")");
  }
}
