package org.porthole.hostagent.events;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.kafka.KafkaClientSettings;

/**
 * Creates this host's topics ({@link EventTopics#hostTopics}) when they are missing; the host
 * agent's Kafka user may create those and no others. Runs in the background and retries until Kafka
 * answers, so an agent that starts before its broker still serves consoles.
 */
public final class TopicBootstrap implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TopicBootstrap.class.getName());
  private static final long RETRY_MS = 5000;
  private static final long CALL_TIMEOUT_S = 15;

  /** One broker on one machine; a cluster's operator creates the topics with its own factor. */
  private static final short REPLICATION = 1;

  private final Thread thread;

  private TopicBootstrap(Thread thread) {
    this.thread = thread;
  }

  /** Starts creating the topics on a daemon thread. */
  public static TopicBootstrap start(KafkaClientSettings kafka, String hostId) {
    List<String> topics = EventTopics.hostTopics(hostId);
    Thread t = new Thread(() -> retryUntilDone(kafka, topics), "kafka-topics");
    t.setDaemon(true);
    t.start();
    return new TopicBootstrap(t);
  }

  /** True once the topics exist (or the attempt was given up on close). */
  public boolean awaitDone(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }

  private static void retryUntilDone(KafkaClientSettings kafka, List<String> topics) {
    boolean warned = false;
    while (!Thread.currentThread().isInterrupted()) {
      try (Admin admin = Admin.create(adminProps(kafka))) {
        ensure(admin, topics);
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        if (!warned) {
          LOG.log(
              Level.WARNING, "cannot create Kafka topics yet ({0}); retrying", String.valueOf(e));
          warned = true;
        }
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(RETRY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Creates whichever of {@code topics} do not exist. */
  static void ensure(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> existing = admin.listTopics().names().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
    List<NewTopic> missing =
        topics.stream()
            .filter(t -> !existing.contains(t))
            .map(t -> new NewTopic(t, EventTopics.PARTITIONS, REPLICATION))
            .toList();
    if (missing.isEmpty()) {
      return;
    }
    try {
      admin.createTopics(missing).all().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
      LOG.log(
          Level.INFO, "created Kafka topics {0}", missing.stream().map(NewTopic::name).toList());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  private static Map<String, Object> adminProps(KafkaClientSettings kafka) {
    Map<String, Object> p = kafka.clientProperties("porthole-host-agent-admin");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    return p;
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
