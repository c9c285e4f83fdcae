package org.porthole.hostagent.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.kafka.LazyProducer;

/** The publish lag timer: one sample per acknowledged event, by topic, from publish to ack. */
class PublishLagTest {
  private static final String HOST = "kvm-1.example.org:9443";
  private static final String TOPIC = "porthole.host.kvm-1_2eexample_2eorg_3a9443.graphics.v1";

  @Test
  void timesEachAcknowledgedEventFromPublishToAck() throws Exception {
    MockProducer<byte[], byte[]> p =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    KafkaEventPublisher publisher =
        new KafkaEventPublisher(LazyProducer.of(p), HOST, 10, Duration.ofMillis(50), meters);
    publisher.publish(
        EventTopics.Stream.GRAPHICS, "vm", GraphicsEvent.newBuilder().setEventId("e1").build());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (p.history().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(p.history()).hasSize(1);
    assertThat(meters.find(KafkaEventPublisher.LAG).timer())
        .as("no sample before the ack")
        .isNull();
    Thread.sleep(100); // the broker takes its time: the lag must show it
    assertThat(p.completeNext()).isTrue();

    Timer lag = null;
    while ((lag = meters.find(KafkaEventPublisher.LAG).tag("topic", TOPIC).timer()) == null
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(lag).isNotNull();
    assertThat(lag.count()).isEqualTo(1);
    assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(100);
    publisher.close(Duration.ofSeconds(1));
  }
}
