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

/**
 * Marks hosts offline when no heartbeat arrived within their heartbeat timeout. Runs on the
 * scheduler's worker thread; the update is one statement, safe with several engine replicas.
 *
 * <p>Heartbeats reach the engine through its database: while the engine starts, or while its
 * PostgreSQL is down, none can be recorded, and the ones sent meanwhile wait in Kafka. So a host's
 * silence is counted only from when the engine could listen again (its start, or the first check
 * that reached the database after one that did not), never across the engine's own outage.
 */
@ApplicationScoped
public class HostLiveness {

  private static final Logger LOG = Logger.getLogger(HostLiveness.class);

  private final Transactions transactions;
  private final HostRepository hosts;
  private final Clock clock;

  /** Written and read by the scheduler's one check at a time (concurrent runs are skipped). */
  private volatile Instant listeningSince;

  @Inject
  public HostLiveness(Transactions transactions, HostRepository hosts, Clock clock) {
    this.transactions = transactions;
    this.hosts = hosts;
    this.clock = clock;
    this.listeningSince = clock.instant();
  }

  @Scheduled(every = "2s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void check() {
    Instant now = clock.instant();
    Instant since = listeningSince == null ? now : listeningSince;
    try {
      List<String> silent =
          transactions.inTransaction(
              connection -> hosts.markSilentHostsOffline(connection, now, since));
      listeningSince = since;
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
