package org.porthole.hostagent.events;

import com.google.protobuf.MessageLite;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.kafka.LazyProducer;

/**
 * Publishes events to Kafka in order, one at a time, retrying while the broker is away.
 *
 * <p>Threading: {@link #publish} only enqueues (bounded; when full the event is dropped with a
 * warning), so libvirt's event thread and the consoles never wait for Kafka. One thread,
 * "kafka-publisher", sends each record and waits for its acknowledgement ({@code acks=all},
 * idempotent), retrying the same record after a pause until it is stored, so a broker that is down
 * delays events but does not reorder or (while the queue holds) lose them. That thread also makes
 * the producer, on its first event ({@link LazyProducer}), so the agent's start does not wait for
 * Kafka's classes; a producer Kafka refuses to make is retried like an absent broker.
 *
 * <p>Each stored event's lag, from {@link #publish} to the broker's acknowledgement, goes to the
 * timer {@value #LAG} by topic.
 */
public final class KafkaEventPublisher implements EventSink, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KafkaEventPublisher.class.getName());
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);
  private static final long MAX_BLOCK_MS = 10_000;
  private static final long DROP_LOG_EVERY = 100;

  /** Event published to broker acknowledgement: {@code porthole_kafka_publish_lag_seconds}. */
  public static final String LAG = "porthole.kafka.publish.lag";

  private final LazyProducer<byte[], byte[]> producer;
  private final String hostId;
  private final long retryPauseMs;
  private final BlockingQueue<Pending> queue;
  private final MeterRegistry meters;
  private final Map<String, Timer> lag = new ConcurrentHashMap<>();
  private final Thread worker;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closing;
  private volatile long deadlineNanos = Long.MAX_VALUE;

  /** A publisher to the topics of host {@code hostId} ({@link EventTopics#hostTopic}). */
  public KafkaEventPublisher(Producer<byte[], byte[]> producer, String hostId, int capacity) {
    this(LazyProducer.of(producer), hostId, capacity, RETRY_PAUSE, new SimpleMeterRegistry());
  }

  /**
   * A publisher that times each event's lag into {@code meters}; its thread makes the producer
   * (events published before that wait in the queue).
   */
  public KafkaEventPublisher(
      LazyProducer<byte[], byte[]> producer, String hostId, int capacity, MeterRegistry meters) {
    this(producer, hostId, capacity, RETRY_PAUSE, meters);
  }

  KafkaEventPublisher(
      Producer<byte[], byte[]> producer, String hostId, int capacity, Duration retryPause) {
    this(LazyProducer.of(producer), hostId, capacity, retryPause, new SimpleMeterRegistry());
  }

  KafkaEventPublisher(
      LazyProducer<byte[], byte[]> producer,
      String hostId,
      int capacity,
      Duration retryPause,
      MeterRegistry meters) {
    EventTopics.hostTopics(
        hostId); // fails now, not per event, for a host id no topic name can hold
    this.producer = producer;
    this.hostId = hostId;
    this.retryPauseMs = retryPause.toMillis();
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.meters = meters;
    this.worker = new Thread(this::run, "kafka-publisher");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * A producer with the settings of docs/contracts.md: authenticated as the host agent's own Kafka
   * user, acks=all, idempotence, bytes.
   */
  public static LazyProducer<byte[], byte[]> producer(KafkaClientSettings kafka, String clientId) {
    Map<String, Object> p = kafka.clientProperties(clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
    return new LazyProducer<>(
        () -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
  }

  @Override
  public void publish(EventTopics.Stream stream, String key, MessageLite value) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(
            EventTopics.hostTopic(hostId, stream),
            key.getBytes(StandardCharsets.UTF_8),
            value.toByteArray());
    if (closing || !queue.offer(new Pending(r, System.nanoTime()))) {
      long n = dropped.incrementAndGet();
      if (n == 1 || n % DROP_LOG_EVERY == 0) {
        LOG.log(Level.WARNING, "event queue full or closed: dropped {0} event(s) so far", n);
      }
    }
  }

  /** Events waiting to be sent (for tests and shutdown). */
  public int pending() {
    return queue.size();
  }

  private void run() {
    while (true) {
      Pending r;
      try {
        r = closing ? queue.poll() : queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (r == null) {
        if (closing) {
          return;
        }
        continue;
      }
      deliver(r);
    }
  }

  private void deliver(Pending pending) {
    ProducerRecord<byte[], byte[]> r = pending.record();
    boolean warned = false;
    while (System.nanoTime() < deadlineNanos) {
      try {
        producer.get().send(r).get();
        lagTimer(r.topic()).record(System.nanoTime() - pending.queuedNanos(), TimeUnit.NANOSECONDS);
        if (warned) {
          LOG.info("Kafka accepts events again");
        }
        return;
      } catch (ExecutionException | KafkaException e) {
        if (!warned) {
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          LOG.log(
              Level.WARNING,
              "cannot publish to {0} ({1}); retrying until Kafka is back",
              new Object[] {r.topic(), cause});
          warned = true;
        }
        if (!pause()) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Timer lagTimer(String topic) {
    return lag.computeIfAbsent(
        topic,
        t ->
            Timer.builder(LAG)
                .description("From an event's publication to the broker's acknowledgement")
                .tag("topic", t)
                .register(meters));
  }

  /** A record and when it was queued. */
  private record Pending(ProducerRecord<byte[], byte[]> record, long queuedNanos) {}

  private boolean pause() {
    try {
      Thread.sleep(retryPauseMs);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Sends what is queued (for at most {@code timeout}), then closes the producer. */
  public void close(Duration timeout) {
    deadlineNanos = System.nanoTime() + timeout.toNanos();
    closing = true;
    try {
      worker.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.interrupt();
    producer.close(Duration.ofSeconds(1));
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
