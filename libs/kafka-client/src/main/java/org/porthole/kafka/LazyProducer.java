package org.porthole.kafka;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;

/**
 * A Kafka producer made on first use, by the thread that sends: a service's publisher thread rather
 * than its start. The first {@code KafkaProducer} of a JVM loads some hundreds of classes
 * (0.35–0.42 s on the 2-core machine, 11–16 ms for the next), which held up the host agent's
 * listening by that much. A producer that cannot be made (a configuration Kafka refuses) throws
 * {@link KafkaException} from {@link #get}, as a send to an absent broker fails, and is tried again
 * on the next use.
 */
public final class LazyProducer<K, V> {
  private final Supplier<? extends Producer<K, V>> factory;
  private Producer<K, V> producer;
  private boolean closed;

  public LazyProducer(Supplier<? extends Producer<K, V>> factory) {
    this.factory = factory;
  }

  /** A producer made already (tests). */
  public static <K, V> LazyProducer<K, V> of(Producer<K, V> producer) {
    LazyProducer<K, V> lazy = new LazyProducer<>(() -> producer);
    lazy.producer = producer;
    return lazy;
  }

  /** The producer, made now if it was not yet; after {@link #close} a {@link KafkaException}. */
  public synchronized Producer<K, V> get() {
    if (closed) {
      throw new KafkaException("the producer is closed");
    }
    if (producer == null) {
      producer = factory.get();
    }
    return producer;
  }

  /** Closes the producer if one was made; later {@link #get} calls fail. */
  public synchronized void close(Duration timeout) {
    closed = true;
    if (producer != null) {
      producer.close(timeout);
    }
  }
}
