package org.porthole.engine.it;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.porthole.api.events.v1.AuditEvent;
import org.porthole.api.events.v1.EventTopics;

/**
 * Reads {@code porthole.audit.v1} from the beginning as an external collector would (its own
 * consumer group), collecting every event into a list a test can wait on.
 */
public final class AuditTopic implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<AuditEvent> seen = new ArrayList<>();

  /**
   * A collector signed in as the broker's super user (an audit collector has its own in
   * production).
   */
  public AuditTopic() {
    Map<String, Object> p = StackResource.kafka().admin().clientProperties("audit-collector");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "audit-collector-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000);
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(EventTopics.AUDIT));
  }

  /** Polls once more and returns every event seen so far that matches, in arrival order. */
  public List<AuditEvent> poll(Predicate<AuditEvent> filter) {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
      try {
        seen.add(AuditEvent.parseFrom(record.value()));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("record on " + EventTopics.AUDIT + " is not an AuditEvent", e);
      }
    }
    return seen.stream().filter(filter).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
