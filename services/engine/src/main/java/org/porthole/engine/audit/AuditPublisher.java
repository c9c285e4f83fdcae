package org.porthole.engine.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.engine.db.Sql;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.events.EngineKafka;

/**
 * The audit outbox: a loop on its own thread sends unpublished {@code audit_events} rows to {@code
 * porthole.audit.v1} in id order, each after the previous one was acknowledged (acks=all,
 * idempotent), and marks them published. Audit volume is low, so order wins over throughput. Kafka
 * being down only delays: rows stay unpublished and are sent when it is back, first unsent first. A
 * row may be sent twice (a crash between send and mark), never skipped. One replica publishes at a
 * time (a PostgreSQL advisory lock per batch). Each acknowledged row's wait, from its insert to the
 * broker's ack, is timed as {@code porthole_kafka_publish_lag_seconds{topic="porthole.audit.v1"}}.
 *
 * <p>Threading: the producer is created, used and closed only by the publisher thread (a new one
 * after each failure); {@link #stop()} interrupts and joins it.
 */
@ApplicationScoped
public class AuditPublisher {

  static final int BATCH = 200;
  private static final int LOCK_NAMESPACE = 0x41554454;
  private static final long IDLE_MILLIS = 250;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  private static final long SEND_TIMEOUT_SECONDS = 20;
  private static final Logger LOG = Logger.getLogger(AuditPublisher.class);

  private final Transactions transactions;
  private final AuditRepository audit;
  private final ObjectMapper json;
  private final EngineKafka kafka;
  private final Timer lag;
  private volatile boolean running;
  private Thread thread;

  @Inject
  public AuditPublisher(
      Transactions transactions,
      AuditRepository audit,
      ObjectMapper json,
      EngineKafka kafka,
      MeterRegistry registry) {
    this.transactions = transactions;
    this.audit = audit;
    this.json = json;
    this.kafka = kafka;
    this.lag =
        Timer.builder("porthole.kafka.publish.lag")
            .description("From an audit row's insert to the broker's acknowledgement")
            .tag("topic", EventTopics.AUDIT)
            .register(registry);
  }

  void onStart(@Observes StartupEvent event) {
    start();
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = new Thread(this::run, "porthole-audit-publisher");
    thread.setDaemon(true);
    thread.start();
  }

  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = IDLE_MILLIS;
    boolean topicReady = false;
    KafkaProducer<String, byte[]> producer = null;
    try {
      while (running) {
        long wait = IDLE_MILLIS;
        try {
          if (!topicReady) {
            ensureTopic();
            topicReady = true;
          }
          if (producer == null) {
            producer =
                new KafkaProducer<>(
                    properties(), new StringSerializer(), new ByteArraySerializer());
          }
          BatchOutcome outcome = publishBatch(producer);
          if (outcome.failure() != null) {
            throw outcome.failure();
          }
          backoff = IDLE_MILLIS;
          wait = outcome.published() < BATCH ? IDLE_MILLIS : 0;
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          LOG.warnf(
              "audit events not published yet (%s); retrying in %d ms", e.toString(), backoff);
          // A new producer next time: nothing of a failed attempt can arrive after its retry.
          closeQuietly(producer);
          producer = null;
          wait = backoff;
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        if (!pause(wait)) {
          return;
        }
      }
    } finally {
      closeQuietly(producer);
    }
  }

  /**
   * What one batch did: how many events were published, and the failure that stopped it (or null).
   */
  record BatchOutcome(int published, Exception failure) {}

  /**
   * Publishes the next batch of unpublished events in id order, one at a time: each is sent only
   * after the broker acknowledged the one before, so a failure can never let a later event overtake
   * an earlier one. Marks the events acknowledged before the first failure.
   */
  BatchOutcome publishBatch(KafkaProducer<String, byte[]> producer) throws SQLException {
    return transactions.inTransaction(
        connection -> {
          if (!tryLock(connection)) {
            return new BatchOutcome(0, null);
          }
          List<AuditRepository.Pending> batch = audit.unpublished(connection, BATCH);
          // The rows' waits were read by the database's clock; from here on this JVM's counts.
          long readAt = System.nanoTime();
          List<Long> done = new ArrayList<>();
          Exception failure = null;
          for (AuditRepository.Pending pending : batch) {
            AuditRecord record = pending.record();
            try {
              ProducerRecord<String, byte[]> message =
                  new ProducerRecord<>(
                      EventTopics.AUDIT,
                      AuditEvents.key(record),
                      AuditEvents.toProto(record, json).toByteArray());
              producer.send(message).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
              if (pending.waited() != null) {
                lag.record(pending.waited().plusNanos(System.nanoTime() - readAt));
              }
              done.add(record.id());
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
              failure = e;
              break;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              failure = e;
              break;
            }
          }
          if (!done.isEmpty()) {
            audit.markPublished(connection, done);
          }
          return new BatchOutcome(done.size(), failure);
        });
  }

  private static void closeQuietly(KafkaProducer<String, byte[]> producer) {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debugf("closing the audit producer: %s", e.toString());
      }
    }
  }

  private static boolean tryLock(Connection connection) throws SQLException {
    return Sql.tryAdvisoryLock(connection, LOCK_NAMESPACE, 0);
  }

  /** Creates the topics the engine owns when missing: the audit, and the refusals it reads. */
  private void ensureTopic() throws ExecutionException, TimeoutException, InterruptedException {
    Map<String, Object> properties = kafka.clientProperties("porthole-engine-admin");
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin admin = Admin.create(properties)) {
      for (String topic : List.of(EventTopics.AUDIT, EventTopics.REFUSALS)) {
        if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
          continue;
        }
        try {
          admin
              .createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
              .all()
              .get(10, TimeUnit.SECONDS);
          LOG.infof("created topic %s", topic);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  /** Sleeps; false when interrupted (stopping). */
  private boolean pause(long millis) {
    try {
      if (running && millis > 0) {
        Thread.sleep(millis);
      }
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private Map<String, Object> properties() {
    Map<String, Object> p = kafka.clientProperties("porthole-engine-audit");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return p;
  }
}
