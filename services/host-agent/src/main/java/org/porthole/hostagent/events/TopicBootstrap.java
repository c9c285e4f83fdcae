package org.porthole.hostagent.events;

import java.util.List;
import java.util.Properties;
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

/**
 * Creates the agent's topics when they are missing. Runs in the background and retries
 * until Kafka answers, so an agent that starts before its broker still serves consoles.
 */
public final class TopicBootstrap implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TopicBootstrap.class.getName());
  private static final long RETRY_MS = 5000;
  private static final long CALL_TIMEOUT_S = 15;

  private final Thread thread;

  private TopicBootstrap(Thread thread) {
    this.thread = thread;
  }

  /** Starts creating the topics on a daemon thread. */
  public static TopicBootstrap start(String bootstrap) {
    Thread t = new Thread(() -> retryUntilDone(bootstrap), "kafka-topics");
    t.setDaemon(true);
    t.start();
    return new TopicBootstrap(t);
  }

  /** True once the topics exist (or the attempt was given up on close). */
  public boolean awaitDone(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }

  private static void retryUntilDone(String bootstrap) {
    boolean warned = false;
    while (!Thread.currentThread().isInterrupted()) {
      try (Admin admin = Admin.create(adminProps(bootstrap))) {
        ensure(admin);
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        if (!warned) {
          LOG.log(Level.WARNING, "cannot create Kafka topics yet ({0}); retrying",
              String.valueOf(e));
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

  /** Creates whichever of {@link Topics#ALL} do not exist. */
  static void ensure(Admin admin)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> existing = admin.listTopics().names().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
    List<NewTopic> missing = Topics.ALL.stream().filter(t -> !existing.contains(t))
        .map(t -> new NewTopic(t, Topics.PARTITIONS, Topics.REPLICATION)).toList();
    if (missing.isEmpty()) {
      return;
    }
    try {
      admin.createTopics(missing).all().get(CALL_TIMEOUT_S, TimeUnit.SECONDS);
      LOG.log(Level.INFO, "created Kafka topics {0}",
          missing.stream().map(NewTopic::name).toList());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  private static Properties adminProps(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "porthole-host-agent-admin");
    return p;
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
