package org.porthole.e2e.chaos;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.porthole.api.events.v1.AuditEvent;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.stack.kafka.KafkaBroker;

/**
 * The stack's Kafka as an operator inspects it with the super user: the engine's consumer group's
 * committed offsets against the ends of the partitions it reads, and the audit topic's contents.
 */
final class EventLog implements AutoCloseable {
  private final KafkaBroker broker;
  private final Admin admin;

  EventLog(KafkaBroker broker) {
    this.broker = broker;
    this.admin = Admin.create(broker.admin().clientProperties("porthole-e2e-chaos"));
  }

  /** The engine group's committed offset per partition. */
  Map<TopicPartition, Long> engineCommitted() throws ExecutionException, InterruptedException {
    return admin
        .listConsumerGroupOffsets(EventTopics.ENGINE_GROUP)
        .partitionsToOffsetAndMetadata()
        .get()
        .entrySet()
        .stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** The end offset of each partition the engine group has committed on. */
  Map<TopicPartition, Long> ends(Set<TopicPartition> partitions)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest =
        partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /**
   * The partition of {@code hostId}'s hosts topic that its heartbeats go to (they share one key):
   * the one holding the most records.
   */
  TopicPartition heartbeatPartition(String hostId) throws ExecutionException, InterruptedException {
    String topic = EventTopics.hostTopic(hostId, EventTopics.Stream.HOSTS);
    Set<TopicPartition> partitions = new HashSet<>();
    for (int p = 0; p < EventTopics.PARTITIONS; p++) {
      partitions.add(new TopicPartition(topic, p));
    }
    return ends(partitions).entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .filter(e -> e.getValue() > 0)
        .orElseThrow(() -> new AssertionError("no heartbeat of " + hostId + " on " + topic))
        .getKey();
  }

  /** Events written but not yet consumed by the engine (committed behind the partition's end). */
  long engineLag() throws ExecutionException, InterruptedException {
    Map<TopicPartition, Long> committed = engineCommitted();
    Map<TopicPartition, Long> ends = ends(committed.keySet());
    return committed.entrySet().stream().mapToLong(e -> ends.get(e.getKey()) - e.getValue()).sum();
  }

  /** Waits until the engine has consumed every event written; returns how long that took. */
  Duration awaitEngineCaughtUp(Duration timeout) throws Exception {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    long lag = engineLag();
    while (lag != 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      lag = engineLag();
    }
    if (lag != 0) {
      throw new AssertionError("the engine is still " + lag + " events behind after " + timeout);
    }
    return Duration.between(start, Instant.now());
  }

  /** The ids of every audit event on {@code porthole.audit.v1}, read from the beginning. */
  Set<Long> auditIds() throws Exception {
    Map<String, Object> config = broker.admin().clientProperties("porthole-e2e-chaos-audit");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(EventTopics.AUDIT).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = ends(Set.copyOf(partitions));
      Set<Long> ids = new HashSet<>();
      Instant deadline = Instant.now().plusSeconds(60);
      while (!readToEnd(consumer, ends) && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          ids.add(id(r.value()));
        }
      }
      return ids;
    }
  }

  private static boolean readToEnd(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static long id(byte[] value) {
    try {
      return AuditEvent.parseFrom(value).getId();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("an audit event that does not parse", e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
