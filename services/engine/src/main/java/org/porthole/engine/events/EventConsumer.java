package org.porthole.engine.events;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.EventTopics;

/**
 * Consumes every host's event topics ({@code porthole.host.<host key>.<stream>.v1}, by pattern, so
 * a new host's topics are found as they appear) and the refusals on one dedicated thread,
 * authenticated as the engine's own Kafka user.
 *
 * <p>Threading: the {@link KafkaConsumer} is created, used and closed only by the consumer thread;
 * {@link #stop()} touches it only through {@code wakeup()}, the one thread-safe call. Offsets are
 * committed per partition only after the events before them are stored, and a failed event is
 * retried from its offset, so a crash or restart loses nothing; replays are no-ops thanks to {@link
 * AppliedEvents}.
 */
@ApplicationScoped
public class EventConsumer {

  private static final Logger LOG = Logger.getLogger(EventConsumer.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final long FIRST_BACKOFF_MILLIS = 200;
  private static final int MAX_ATTEMPTS_FOR_BUGS = 5;

  /** Every host's topics and the refusals: what the engine's ACLs let it read. */
  static final Pattern SUBSCRIPTION =
      Pattern.compile(EventTopics.HOST_TOPIC.pattern() + "|" + Pattern.quote(EventTopics.REFUSALS));

  /** The consumer's metric of open broker connections ({@code consumer-metrics} group). */
  private static final String CONNECTIONS_METRIC = "connection-count";

  private static final String CONSUMER_METRICS = "consumer-metrics";

  private final EventDispatcher dispatcher;
  private final EngineKafka kafka;

  /**
   * How long the group waits for a member that stopped sending heartbeats (a replica killed or cut
   * off) before its partitions go to the others. Shorter than a host's heartbeat timeout (15 s):
   * the hosts whose events the lost member read are silent to the others meanwhile, and must not be
   * taken for offline. Kafka's default (45 s) was longer. Brokers refuse less than their {@code
   * group.min.session.timeout.ms} (6 s by default).
   */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(8);

  private static final Duration HEARTBEAT_INTERVAL = SESSION_TIMEOUT.dividedBy(4);

  /**
   * Since when the consumer has had a broker connection without a break and its current share of
   * the partitions; null while it has no connection. Written by the consumer thread, read by the
   * host liveness check.
   */
  private volatile Instant connectedSince;

  private final RetryTracker retries = new RetryTracker(MAX_ATTEMPTS_FOR_BUGS);
  private volatile boolean running;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Thread thread;

  @Inject
  public EventConsumer(EventDispatcher dispatcher, EngineKafka kafka) {
    this.dispatcher = dispatcher;
    this.kafka = kafka;
  }

  void onStart(@Observes StartupEvent event) {
    start();
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  /** Starts the consumer thread (no-op when running). */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::run, "porthole-event-consumer");
    thread.setDaemon(true);
    thread.start();
    LOG.infof(
        "consuming topics matching %s from %s as user %s, group %s",
        SUBSCRIPTION, kafka.bootstrap(), kafka.user(), EventTopics.ENGINE_GROUP);
  }

  /** Stops the consumer thread and waits for it; uncommitted events are consumed again on start. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("event consumer stopped");
  }

  public boolean isRunning() {
    return running;
  }

  private void run() {
    long backoff = FIRST_BACKOFF_MILLIS;
    while (running) {
      try (KafkaConsumer<String, byte[]> created = new KafkaConsumer<>(properties())) {
        consumer = created;
        created.subscribe(SUBSCRIPTION, new AssignmentClock());
        while (running) {
          backoff =
              consumeOnce(created)
                  ? FIRST_BACKOFF_MILLIS
                  : Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
          if (backoff > FIRST_BACKOFF_MILLIS) {
            pause(backoff);
          }
        }
      } catch (WakeupException e) {
        LOG.debug("event consumer woken up to stop");
      } catch (KafkaException e) {
        LOG.warnf("event consumer failed (%s); reconnecting", e.toString());
        pause(MAX_BACKOFF_MILLIS);
      } finally {
        // A new consumer has no connection yet: hosts' silence counts again only once it has one.
        consumer = null;
        connectedSince = null;
      }
    }
  }

  /**
   * Since when the engine has been connected to Kafka without a break, so that heartbeats can reach
   * it; null while it is not (then hosts' silence tells nothing about the hosts).
   */
  public Instant connectedSince() {
    return connectedSince;
  }

  /** Polls once and applies what came; false when some event must be retried. */
  private boolean consumeOnce(KafkaConsumer<String, byte[]> kafka) {
    ConsumerRecords<String, byte[]> records = kafka.poll(POLL);
    noteConnection(kafka);
    boolean allApplied = true;
    for (TopicPartition partition : records.partitions()) {
      allApplied &= applyPartition(kafka, partition, records.records(partition));
    }
    return allApplied;
  }

  private boolean applyPartition(
      KafkaConsumer<String, byte[]> kafka,
      TopicPartition partition,
      List<ConsumerRecord<String, byte[]>> records) {
    long next = -1;
    boolean allApplied = true;
    for (ConsumerRecord<String, byte[]> record : records) {
      if (!applyRecord(record)) {
        kafka.seek(partition, record.offset());
        allApplied = false;
        break;
      }
      next = record.offset() + 1;
    }
    if (next >= 0) {
      commit(kafka, partition, next);
    }
    return allApplied;
  }

  private boolean applyRecord(ConsumerRecord<String, byte[]> record) {
    try {
      dispatcher.apply(record.topic(), record.value());
      retries.succeeded();
      return true;
    } catch (SQLException e) {
      LOG.warnf(
          "event at %s-%d offset %d not stored (%s); retrying",
          record.topic(), record.partition(), record.offset(), e.getMessage());
      return false;
    } catch (RuntimeException e) {
      if (retries.failed(record.topic(), record.partition(), record.offset())) {
        LOG.errorf(
            e,
            "event at %s-%d offset %d failed %d times; skipped",
            record.topic(),
            record.partition(),
            record.offset(),
            MAX_ATTEMPTS_FOR_BUGS);
        return true;
      }
      LOG.warnf(
          "event at %s-%d offset %d failed (%s); retrying",
          record.topic(), record.partition(), record.offset(), e.toString());
      return false;
    }
  }

  private void noteConnection(KafkaConsumer<String, byte[]> kafka) {
    boolean connected =
        kafka.metrics().entrySet().stream()
            .filter(e -> CONNECTIONS_METRIC.equals(e.getKey().name()))
            .filter(e -> CONSUMER_METRICS.equals(e.getKey().group()))
            .anyMatch(e -> e.getValue().metricValue() instanceof Double d && d > 0);
    if (!connected) {
      connectedSince = null;
    } else if (connectedSince == null) {
      connectedSince = Instant.now();
    }
  }

  /**
   * Restarts the listening clock when partitions new to this replica come to it: their hosts'
   * events went to a member that is gone (or to none) until now, so their silence before tells
   * nothing. A partition revoked and given back in the same rebalance (the eager protocol revokes
   * all first) is not new. Each change of what this replica reads is logged as {@code +[…] -[…]}.
   * Used by the consumer thread only (Kafka calls it inside {@code poll}).
   */
  private final class AssignmentClock implements ConsumerRebalanceListener {
    private final OwnedPartitions owned = new OwnedPartitions();

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      owned.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      owned.revoked(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      OwnedPartitions.Change change = owned.assigned(partitions);
      if (!change.added().isEmpty()) {
        connectedSince = Instant.now();
      }
      if (!change.isEmpty()) {
        LOG.infof(
            "partitions read by this replica: +%s -%s (%d in all)%s",
            change.added(),
            change.removed(),
            owned.size(),
            change.added().isEmpty() ? "" : "; hosts' silence counted from now");
      }
    }
  }

  private static void commit(
      KafkaConsumer<String, byte[]> kafka, TopicPartition partition, long next) {
    try {
      kafka.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      // The events are stored; if another member takes the partition it replays them as no-ops.
      LOG.warnf("offset commit for %s failed: %s", partition, e.toString());
    }
  }

  private void pause(long millis) {
    long until = System.currentTimeMillis() + millis;
    while (running && System.currentTimeMillis() < until) {
      try {
        Thread.sleep(Math.min(100, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Map<String, Object> properties() {
    Map<String, Object> properties = kafka.clientProperties("porthole-engine-events");
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, EventTopics.ENGINE_GROUP);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // Topics are created by the host agents; find a new host's soon after they appear.
    properties.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
    properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    properties.put(
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(SESSION_TIMEOUT.toMillis()));
    properties.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(HEARTBEAT_INTERVAL.toMillis()));
    properties.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    properties.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return properties;
  }
}
