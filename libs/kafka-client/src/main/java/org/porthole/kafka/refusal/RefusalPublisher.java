package org.porthole.kafka.refusal;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.kafka.KafkaClientSettings;
import org.porthole.kafka.LazyProducer;

/**
 * Publishes a service's console refusals to {@link EventTopics#REFUSALS}, keyed by client address,
 * rate-limited per client address: {@value #BURST} at once, then one a second; the rest are folded
 * into the next published refusal's {@code suppressed}, or published as one summary (the latest
 * folded refusal, {@code suppressed} = the others) within {@link #FLUSH_INTERVAL}. So a flood of
 * refusals costs the broker and the audit a few events a second, and no refusal goes uncounted.
 *
 * <p>Threading: {@link #refused} only counts and enqueues (bounded; beyond it refusals are counted
 * as dropped and logged), so it is safe on an event loop. One daemon thread, "refusal-publisher",
 * sends and flushes; the producer is made (on first use) and used by that thread only.
 */
public final class RefusalPublisher implements RefusalSink, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RefusalPublisher.class.getName());
  static final int BURST = 10;
  static final Duration REFILL = Duration.ofSeconds(1);
  static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);
  private static final int MAX_KEYS = 4096;
  private static final int QUEUE = 1024;
  private static final int MAX_REASON = 256;
  private static final int MAX_ADDRESS = 128;
  private static final String OVERFLOW_KEY = "*";

  private final LazyProducer<String, byte[]> producer;
  private final String source;
  private final String sourceId;
  private final Clock clock;
  private final BurstFolder<String, ConsoleRefusal> folder;
  private final BlockingQueue<ConsoleRefusal> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread worker;
  private volatile boolean closing;

  /** A publisher for {@code source} ("ws-proxy" or "host-agent"), instance {@code sourceId}. */
  public static RefusalPublisher start(
      KafkaClientSettings settings, String source, String sourceId) {
    Map<String, Object> p = settings.clientProperties("porthole-" + source + "-refusals");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000); // >= linger + request timeout
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    LazyProducer<String, byte[]> producer =
        new LazyProducer<>(
            () -> new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()));
    return new RefusalPublisher(producer, source, sourceId, System::nanoTime, Clock.systemUTC());
  }

  RefusalPublisher(
      Producer<String, byte[]> producer,
      String source,
      String sourceId,
      LongSupplier nanos,
      Clock clock) {
    this(LazyProducer.of(producer), source, sourceId, nanos, clock);
  }

  private RefusalPublisher(
      LazyProducer<String, byte[]> producer,
      String source,
      String sourceId,
      LongSupplier nanos,
      Clock clock) {
    this.producer = producer;
    this.source = source;
    this.sourceId = sourceId;
    this.clock = clock;
    this.folder = new BurstFolder<>(BURST, REFILL.toNanos(), MAX_KEYS, OVERFLOW_KEY, nanos);
    this.worker = new Thread(this::run, "refusal-publisher");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  @Override
  public void refused(ConsoleRefusal refusal) {
    if (closing) {
      return;
    }
    String address = bounded(refusal.getClientAddress(), MAX_ADDRESS);
    OptionalLong folded = folder.admit(address, refusal);
    if (folded.isPresent()) {
      enqueue(complete(refusal, folded.getAsLong()));
    }
  }

  /** Refusals given up on: queue full or Kafka failing (for tests and logs). */
  public long lost() {
    return dropped.get() + failed.get();
  }

  /** Publishes the folded refusals no later refusal carried; called by the worker. */
  void flush() {
    for (BurstFolder.Folded<String, ConsoleRefusal> f : folder.drain()) {
      enqueue(complete(f.last(), f.count() - 1));
    }
  }

  private ConsoleRefusal complete(ConsoleRefusal r, long suppressed) {
    ConsoleRefusal.Builder b =
        r.toBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setSource(source)
            .setSourceId(sourceId)
            .setReason(bounded(r.getReason(), MAX_REASON))
            .setClientAddress(bounded(r.getClientAddress(), MAX_ADDRESS))
            .setSuppressed((int) Math.min(Integer.MAX_VALUE, suppressed));
    if (r.getOccurredAtEpochMs() == 0) {
      b.setOccurredAtEpochMs(clock.millis());
    }
    return b.build();
  }

  private void enqueue(ConsoleRefusal r) {
    if (!queue.offer(r)) {
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) {
        LOG.log(Level.WARNING, "refusal queue full: {0} refusal event(s) dropped so far", n);
      }
    }
  }

  private void run() {
    long nextFlush = System.nanoTime() + FLUSH_INTERVAL.toNanos();
    while (!closing || !queue.isEmpty()) {
      try {
        ConsoleRefusal r = queue.poll(200, TimeUnit.MILLISECONDS);
        if (r != null) {
          send(r);
        }
      } catch (InterruptedException e) {
        return;
      }
      if (System.nanoTime() - nextFlush >= 0) {
        flush();
        nextFlush = System.nanoTime() + FLUSH_INTERVAL.toNanos();
      }
    }
  }

  private void send(ConsoleRefusal r) {
    try {
      producer
          .get()
          .send(
              new ProducerRecord<>(EventTopics.REFUSALS, r.getClientAddress(), r.toByteArray()),
              (metadata, error) -> {
                if (error != null) {
                  failedOnce(error);
                }
              });
    } catch (KafkaException e) {
      failedOnce(e);
    }
  }

  private void failedOnce(Exception error) {
    long n = failed.incrementAndGet();
    if (Long.bitCount(n) == 1) {
      LOG.log(
          Level.WARNING,
          "cannot publish refusals to {0} ({1}); {2} lost so far",
          EventTopics.REFUSALS,
          error.toString(),
          n);
    }
  }

  /** Flushes what is folded and queued (for at most 5 s), then closes the producer. */
  @Override
  public void close() {
    flush();
    closing = true;
    try {
      worker.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.interrupt();
    producer.close(Duration.ofSeconds(2));
  }

  private static String bounded(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    return new String(
        text.substring(0, max).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }
}
