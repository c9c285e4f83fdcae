package org.porthole.wsproxy.refusal;

import java.util.function.Supplier;
import org.porthole.api.events.v1.ConsoleRefusal;
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
    publisher.refused(event(refusal));
  }

  /**
   * The event for {@code refusal}; with verified claims it names {@code vm_uuid}, {@code
   * session_id} and {@code subject} and sets {@code claims_verified}.
   */
  static ConsoleRefusal event(Refusal refusal) {
    ConsoleRefusal event =
        RefusalSink.refusal(refusal.status().name(), refusal.reason(), refusal.clientAddress());
    if (!refusal.claimsVerified()) {
      return event;
    }
    Refusal.VerifiedClaims claims = refusal.claims();
    return event.toBuilder()
        .setVmUuid(claims.vmUuid())
        .setSessionId(claims.sessionId())
        .setSubject(claims.subject())
        .setClaimsVerified(true)
        .build();
  }

  @Override
  public void close() {
    publisher.close();
  }
}
