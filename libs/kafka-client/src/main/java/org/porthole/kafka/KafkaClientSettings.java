package org.porthole.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;

/**
 * How a Porthole service reaches Kafka, from its {@code porthole.kafka.*} settings
 * (docs/contracts.md, "Kafka"): every client authenticates with SASL/SCRAM-SHA-512 as its own
 * principal, over {@code SASL_PLAINTEXT} (loopback, the one-machine stack) or {@code SASL_SSL} with
 * a PEM CA file. The password is read from a file (never from a command line or the environment)
 * each time client properties are built, and goes only into the client's {@code sasl.jaas.config},
 * which Kafka never logs.
 *
 * @param bootstrap {@code host:port[,host:port…]}
 * @param protocol {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param user the SCRAM user name (the Kafka principal {@code User:<user>})
 * @param passwordFile a file holding the password (trailing newline ignored)
 * @param caFile PEM CA certificates the broker's certificate must chain to (SASL_SSL only)
 */
public record KafkaClientSettings(
    String bootstrap, String protocol, String user, Path passwordFile, Optional<Path> caFile) {

  public static final String BOOTSTRAP = "porthole.kafka.bootstrap";
  public static final String SECURITY_PROTOCOL = "porthole.kafka.security-protocol";
  public static final String USER = "porthole.kafka.user";
  public static final String PASSWORD_FILE = "porthole.kafka.password-file";
  public static final String CA_FILE = "porthole.kafka.ca-file";
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:59092";
  public static final String SASL_PLAINTEXT = "SASL_PLAINTEXT";
  public static final String SASL_SSL = "SASL_SSL";

  /** The one SASL mechanism Porthole's clients use. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  private static final int MAX_PASSWORD_BYTES = 1024;

  /**
   * Reads and checks the settings.
   *
   * @throws ConfigException naming the key when a value is missing or unusable
   */
  public static KafkaClientSettings from(Settings settings) {
    String bootstrap = settings.get(BOOTSTRAP, DEFAULT_BOOTSTRAP);
    String protocol = settings.get(SECURITY_PROTOCOL, SASL_PLAINTEXT).toUpperCase(Locale.ROOT);
    if (!protocol.equals(SASL_PLAINTEXT) && !protocol.equals(SASL_SSL)) {
      throw new ConfigException(
          SECURITY_PROTOCOL,
          "configuration "
              + SECURITY_PROTOCOL
              + " = '"
              + protocol
              + "' is not "
              + SASL_PLAINTEXT
              + " or "
              + SASL_SSL
              + " (Kafka requires authentication)");
    }
    String user =
        settings
            .find(USER)
            .orElseThrow(
                () ->
                    missing(USER, "the Kafka user (SCRAM-SHA-512) this service authenticates as"));
    Path passwordFile =
        settings
            .find(PASSWORD_FILE)
            .map(Path::of)
            .orElseThrow(() -> missing(PASSWORD_FILE, "a file holding the Kafka user's password"));
    Optional<Path> caFile = settings.find(CA_FILE).map(Path::of);
    if (protocol.equals(SASL_SSL) && caFile.isEmpty()) {
      throw missing(
          CA_FILE,
          "the PEM CA file the broker's certificate is checked against (" + SASL_SSL + ")");
    }
    KafkaClientSettings result =
        new KafkaClientSettings(bootstrap, protocol, user, passwordFile, caFile);
    result.readPassword();
    caFile.ifPresent(f -> requireReadable(CA_FILE, f));
    return result;
  }

  /** Settings for a user whose password is in {@code passwordFile}, over {@code SASL_PLAINTEXT}. */
  public static KafkaClientSettings plaintext(String bootstrap, String user, Path passwordFile) {
    return new KafkaClientSettings(bootstrap, SASL_PLAINTEXT, user, passwordFile, Optional.empty());
  }

  /**
   * The properties every Kafka client (producer, consumer, admin) needs to connect as this user;
   * callers add their own (acks, group id, serializers).
   *
   * @throws ConfigException when the password file cannot be read
   */
  public Map<String, Object> clientProperties(String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
    p.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
    p.put(
        SaslConfigs.SASL_JAAS_CONFIG,
        "org.apache.kafka.common.security.scram.ScramLoginModule required username="
            + quoted(user)
            + " password="
            + quoted(readPassword())
            + ";");
    caFile.ifPresent(
        ca -> {
          p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
          p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, ca.toString());
          p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");
        });
    return p;
  }

  /**
   * The same settings as {@code porthole.kafka.*} keys (for a child process or a test's config).
   */
  public Map<String, String> asSettings() {
    Map<String, String> s = new HashMap<>();
    s.put(BOOTSTRAP, bootstrap);
    s.put(SECURITY_PROTOCOL, protocol);
    s.put(USER, user);
    s.put(PASSWORD_FILE, passwordFile.toString());
    caFile.ifPresent(ca -> s.put(CA_FILE, ca.toString()));
    return s;
  }

  private String readPassword() {
    try {
      byte[] raw = Files.readAllBytes(passwordFile);
      if (raw.length > MAX_PASSWORD_BYTES) {
        throw new ConfigException(
            PASSWORD_FILE,
            "configuration "
                + PASSWORD_FILE
                + ": "
                + passwordFile
                + " is larger than "
                + MAX_PASSWORD_BYTES
                + " bytes; it must hold the password alone");
      }
      String password = new String(raw, StandardCharsets.UTF_8).strip();
      if (password.isEmpty()) {
        throw new ConfigException(
            PASSWORD_FILE, "configuration " + PASSWORD_FILE + ": " + passwordFile + " is empty");
      }
      return password;
    } catch (IOException e) {
      throw new ConfigException(
          PASSWORD_FILE,
          "configuration "
              + PASSWORD_FILE
              + ": cannot read "
              + passwordFile
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  private static void requireReadable(String key, Path file) {
    if (!Files.isReadable(file)) {
      throw new ConfigException(key, "configuration " + key + ": cannot read " + file);
    }
  }

  private static ConfigException missing(String key, String what) {
    return new ConfigException(
        key,
        "configuration "
            + key
            + " (env "
            + Settings.environmentName(key)
            + ") is not set: "
            + what);
  }

  /** A JAAS option value: double-quoted, with backslashes and quotes escaped. */
  static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
