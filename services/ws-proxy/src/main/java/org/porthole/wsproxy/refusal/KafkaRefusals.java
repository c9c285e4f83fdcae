package org.porthole.wsproxy.refusal;

import java.util.function.Supplier;
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
   * Checks the Kafka settings now and answers how to build the publisher for the proxy {@code
   * sourceId} ({@code bind:port}) later: the producer costs a cold JVM about 0.6 s (more on a
   * loaded host), so the proxy builds it once it listens. {@link RefusalReporter#NONE} when {@code
   * porthole.kafka.bootstrap=none}.
   *
   * @throws org.porthole.config.ConfigException when the Kafka settings are missing or unusable
   */
  public static Supplier<RefusalReporter> prepare(Settings settings, String sourceId) {
    if (OFF.equals(settings.get(KafkaClientSettings.BOOTSTRAP, ""))) {
      return () -> RefusalReporter.NONE;
    }
    KafkaClientSettings kafka = KafkaClientSettings.from(settings);
    return () -> new KafkaRefusals(RefusalPublisher.start(kafka, SOURCE, sourceId));
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
