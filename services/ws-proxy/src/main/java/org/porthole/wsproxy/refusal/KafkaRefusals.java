package org.porthole.wsproxy.refusal;

import org.porthole.config.Settings;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.kafka.refusal.RefusalPublisher;
import org.porthole.kafka.refusal.RefusalSink;

/**
 * The proxy's refusals on Kafka ({@code porthole.refusals.v1}, for the engine's audit), published
 * as the proxy's own Kafka user by the rate-limited {@link RefusalPublisher}; never blocks.
 */
public final class KafkaRefusals implements RefusalReporter, AutoCloseable {

  /** {@code ConsoleRefusal.source} of this service. */
  static final String SOURCE = "ws-proxy";

  /**
   * The {@code porthole.kafka.bootstrap} value that turns refusal auditing off (tests, benchmarks).
   */
  public static final String OFF = "none";

  private final RefusalPublisher publisher;

  private KafkaRefusals(RefusalPublisher publisher) {
    this.publisher = publisher;
  }

  /**
   * A publisher for the proxy {@code sourceId} ({@code bind:port}), or {@link RefusalReporter#NONE}
   * when {@code porthole.kafka.bootstrap=none}.
   *
   * @throws org.porthole.config.ConfigException when the Kafka settings are missing or unusable
   */
  public static RefusalReporter from(Settings settings, String sourceId) {
    if (OFF.equals(settings.get(KafkaClientSettings.BOOTSTRAP, ""))) {
      return RefusalReporter.NONE;
    }
    return new KafkaRefusals(
        RefusalPublisher.start(KafkaClientSettings.from(settings), SOURCE, sourceId));
  }

  @Override
  public void refused(Refusal refusal) {
    publisher.refused(
        RefusalSink.refusal(refusal.status().name(), refusal.reason(), refusal.clientAddress()));
  }

  @Override
  public void close() {
    publisher.close();
  }
}
