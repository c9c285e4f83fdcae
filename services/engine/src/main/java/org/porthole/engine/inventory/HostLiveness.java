package org.porthole.engine.inventory;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.events.EventConsumer;

/**
 * Marks hosts offline when no heartbeat arrived within their heartbeat timeout. Runs on the
 * scheduler's worker thread; the update is one statement, safe with several engine replicas.
 *
 * <p>Heartbeats reach the engine through Kafka and its database: while the engine starts, while its
 * PostgreSQL is down, or while its event consumer has no broker connection, none can be recorded,
 * and the ones sent meanwhile wait in the agents' producers or in Kafka. So a host's silence is
 * counted only from when the engine could listen again (its start, the first check that reached the
 * database after one that did not, the consumer's reconnection, or partitions coming to it from a
 * replica that is gone), never across an outage of the engine's own pipeline.
 */
@ApplicationScoped
public class HostLiveness {

  private static final Logger LOG = Logger.getLogger(HostLiveness.class);

  private final Transactions transactions;
  private final HostRepository hosts;
  private final Clock clock;
  private final EventConsumer events;

  /** Written and read by the scheduler's one check at a time (concurrent runs are skipped). */
  private volatile Instant listeningSince;

  @Inject
  public HostLiveness(
      Transactions transactions, HostRepository hosts, Clock clock, EventConsumer events) {
    this.transactions = transactions;
    this.hosts = hosts;
    this.clock = clock;
    this.events = events;
    this.listeningSince = clock.instant();
  }

  @Scheduled(every = "2s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void check() {
    Instant now = clock.instant();
    Instant databaseSince = listeningSince == null ? now : listeningSince;
    Instant kafkaSince = events.connectedSince();
    Instant since =
        kafkaSince == null ? now : kafkaSince.isAfter(databaseSince) ? kafkaSince : databaseSince;
    try {
      List<String> silent =
          transactions.inTransaction(
              connection -> hosts.markSilentHostsOffline(connection, now, since));
      listeningSince = databaseSince;
      silent.forEach(id -> LOG.warnf("host %s is offline: no heartbeat within its timeout", id));
    } catch (SQLException e) {
      listeningSince = null;
      LOG.warnf("host liveness check failed: %s", e.getMessage());
    }
  }

  /** From when the engine could record heartbeats without a break; null right after a failure. */
  Instant listeningSince() {
    return listeningSince;
  }
}
