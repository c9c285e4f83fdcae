package org.porthole.engine.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.porthole.config.Settings;
import org.porthole.kafka.KafkaClientSettings;

/**
 * How the engine reaches Kafka: its own SASL/SCRAM user from the {@code porthole.kafka.*} keys
 * (docs/contracts.md), read once at start. A missing or unusable key fails the start with a message
 * naming it.
 */
@ApplicationScoped
public class EngineKafka {

  private static final List<String> KEYS =
      List.of(
          KafkaClientSettings.BOOTSTRAP,
          KafkaClientSettings.SECURITY_PROTOCOL,
          KafkaClientSettings.USER,
          KafkaClientSettings.PASSWORD_FILE,
          KafkaClientSettings.CA_FILE);

  private final KafkaClientSettings settings;

  @Inject
  public EngineKafka(Config config) {
    Map<String, String> values = new HashMap<>();
    for (String key : KEYS) {
      config.getOptionalValue(key, String.class).ifPresent(value -> values.put(key, value));
    }
    this.settings = KafkaClientSettings.from(Settings.of(values));
  }

  /** The connection and authentication properties of a new client named {@code clientId}. */
  public Map<String, Object> clientProperties(String clientId) {
    return settings.clientProperties(clientId);
  }

  /** Where the broker is (for logs). */
  public String bootstrap() {
    return settings.bootstrap();
  }

  /** The engine's Kafka user (for logs). */
  public String user() {
    return settings.user();
  }
}
