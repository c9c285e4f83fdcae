package org.porthole.kafka.refusal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.kafka.KafkaClientSettings;

class RefusalPublisherTest {

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void aFloodOfRefusalsFromOneAddressBecomesABurstAndOneCountedSummary() throws Exception {
    try (RefusalPublisher publisher =
        new RefusalPublisher(
            producer,
            "ws-proxy",
            "127.0.0.1:8081",
            nanos::get,
            Clock.fixed(Instant.ofEpochMilli(1234), ZoneOffset.UTC))) {
      for (int i = 0; i < 1000; i++) {
        publisher.refused(
            RefusalSink.refusal("TOKEN_REJECTED", "bad signature " + i, "10.0.0.1:4000"));
      }
      publisher.flush();
    }

    List<ConsoleRefusal> sent =
        producer.history().stream()
            .map(
                r -> {
                  assertThat(r.topic()).isEqualTo(EventTopics.REFUSALS);
                  assertThat(r.key()).isEqualTo("10.0.0.1:4000");
                  return parse(r.value());
                })
            .toList();
    assertThat(sent).hasSize(RefusalPublisher.BURST + 1);
    assertThat(sent.get(0).getSource()).isEqualTo("ws-proxy");
    assertThat(sent.get(0).getSourceId()).isEqualTo("127.0.0.1:8081");
    assertThat(sent.get(0).getOccurredAtEpochMs()).isEqualTo(1234);
    assertThat(sent.get(0).getEventId()).isNotEqualTo(sent.get(1).getEventId());
    ConsoleRefusal summary = sent.get(sent.size() - 1);
    assertThat(summary.getReason()).isEqualTo("bad signature 999");
    assertThat(summary.getSuppressed() + 1 + RefusalPublisher.BURST).isEqualTo(1000);
  }

  @Test
  void cutsLongReasonsSoNoCallerCanStuffTheAudit() throws Exception {
    try (RefusalPublisher publisher =
        new RefusalPublisher(producer, "host-agent", "h:1", nanos::get, Clock.systemUTC())) {
      publisher.refused(RefusalSink.refusal("FORBIDDEN", "x".repeat(10_000), "a".repeat(1000)));
    }
    ConsoleRefusal r = parse(producer.history().get(0).value());
    assertThat(r.getReason()).hasSize(256);
    assertThat(r.getClientAddress()).hasSize(128);
  }

  @Test
  void buildsARealProducerFromSettings(@TempDir Path dir) throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), "pw");
    // No broker listens there: constructing the producer validates its settings, nothing is sent.
    RefusalPublisher.start(
            KafkaClientSettings.plaintext("127.0.0.1:9", "u", password), "ws-proxy", "x")
        .close();
  }

  private static ConsoleRefusal parse(byte[] value) {
    try {
      return ConsoleRefusal.parseFrom(value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
