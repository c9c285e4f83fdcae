package org.porthole.config;

/**
 * A configuration value that cannot be used: the message names the key and the offending value
 * (masked as {@code ***} for keys that hold secrets), so an operator can fix it without reading
 * code.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * @param key the configuration key, e.g. {@code porthole.proxy.port}
   * @param message what is wrong, already containing the (masked) value
   */
  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The configuration key whose value was refused. */
  public String key() {
    return key;
  }
}
