package org.porthole.hostagent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.kafka.LazyProducer;

class KafkaEventPublisherTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  private static final String HOST = "kvm-1.example.org:9443";

  private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static GraphicsEvent event(String id) {
    return GraphicsEvent.newBuilder().setEventId(id).setVmUuid(VM).build();
  }

  private static void awaitHistory(MockProducer<byte[], byte[]> p, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (p.history().size() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(p.history()).hasSizeGreaterThanOrEqualTo(n);
  }

  @Test
  void publishesInOrderToItsHostsTopicKeyedByVmAsProtobuf() throws Exception {
    MockProducer<byte[], byte[]> p = producer(true);
    KafkaEventPublisher publisher = new KafkaEventPublisher(p, HOST, 100);
    for (int i = 0; i < 5; i++) {
      publisher.publish(EventTopics.Stream.GRAPHICS, VM, event("e" + i));
    }
    awaitHistory(p, 5);
    publisher.close(Duration.ofSeconds(2));
    List<ProducerRecord<byte[], byte[]>> sent = p.history();
    for (int i = 0; i < 5; i++) {
      assertThat(sent.get(i).topic())
          .isEqualTo("porthole.host.kvm-1_2eexample_2eorg_3a9443.graphics.v1");
      assertThat(new String(sent.get(i).key(), StandardCharsets.UTF_8)).isEqualTo(VM);
      assertThat(GraphicsEvent.parseFrom(sent.get(i).value()).getEventId()).isEqualTo("e" + i);
    }
    assertThat(p.closed()).isTrue();
  }

  @Test
  void keepsRetryingTheSameEventWhileKafkaIsDown() throws Exception {
    MockProducer<byte[], byte[]> p = producer(false);
    KafkaEventPublisher publisher = new KafkaEventPublisher(p, HOST, 100, Duration.ofMillis(50));
    publisher.publish(EventTopics.Stream.GRAPHICS, VM, event("first"));
    publisher.publish(EventTopics.Stream.GRAPHICS, VM, event("second"));
    awaitHistory(p, 1);
    p.errorNext(new TimeoutException("broker away"));
    awaitHistory(p, 2);
    p.errorNext(new TimeoutException("broker still away"));
    awaitHistory(p, 3);
    assertThat(p.completeNext()).isTrue();
    awaitHistory(p, 4);
    assertThat(p.completeNext()).isTrue();
    List<String> ids = p.history().stream().map(r -> parse(r.value()).getEventId()).toList();
    assertThat(ids).containsExactly("first", "first", "first", "second");
    publisher.close(Duration.ofSeconds(2));
  }

  @Test
  void dropsEventsWhenTheQueueIsFullInsteadOfBlocking() throws Exception {
    MockProducer<byte[], byte[]> p = producer(false); // nothing ever completes
    KafkaEventPublisher publisher = new KafkaEventPublisher(p, HOST, 2, Duration.ofMillis(50));
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      publisher.publish(EventTopics.Stream.HOSTS, "host", event("e" + i));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(publisher.pending()).isLessThanOrEqualTo(2);
    publisher.close(Duration.ofMillis(200));
  }

  @Test
  void makesTheProducerOnItsOwnThreadAndRetriesOneKafkaRefusedToMake() throws Exception {
    MockProducer<byte[], byte[]> p = producer(true);
    AtomicInteger attempts = new AtomicInteger();
    List<String> makers = new CopyOnWriteArrayList<>();
    LazyProducer<byte[], byte[]> lazy =
        new LazyProducer<>(
            () -> {
              makers.add(Thread.currentThread().getName());
              if (attempts.incrementAndGet() == 1) {
                throw new KafkaException("no resolvable bootstrap urls");
              }
              return p;
            });
    KafkaEventPublisher publisher =
        new KafkaEventPublisher(lazy, HOST, 100, Duration.ofMillis(50), new SimpleMeterRegistry());
    publisher.publish(EventTopics.Stream.GRAPHICS, VM, event("queued before the producer"));
    awaitHistory(p, 1);
    publisher.close(Duration.ofSeconds(2));
    assertThat(makers).hasSize(2).containsOnly("kafka-publisher");
    assertThat(parse(p.history().get(0).value()).getEventId())
        .isEqualTo("queued before the producer");
    assertThat(p.closed()).isTrue();
  }

  @Test
  void closingBeforeAnyEventMakesNoProducer() {
    AtomicInteger made = new AtomicInteger();
    LazyProducer<byte[], byte[]> lazy =
        new LazyProducer<>(
            () -> {
              made.incrementAndGet();
              return producer(true);
            });
    new KafkaEventPublisher(lazy, HOST, 100, Duration.ofMillis(50), new SimpleMeterRegistry())
        .close(Duration.ofMillis(200));
    assertThat(made).hasValue(0);
    assertThatThrownBy(lazy::get).isInstanceOf(KafkaException.class).hasMessageContaining("closed");
  }

  private static GraphicsEvent parse(byte[] value) {
    try {
      return GraphicsEvent.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
