package org.porthole.engine.inventory;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import org.porthole.engine.db.Transactions;

/**
 * Marks hosts offline when no heartbeat arrived within their heartbeat timeout. Runs on the
 * scheduler's worker thread; the update is one statement, safe with several engine replicas.
 */
@ApplicationScoped
public class HostLiveness {

  private static final Logger LOG = Logger.getLogger(HostLiveness.class);

  private final Transactions transactions;
  private final HostRepository hosts;
  private final Clock clock;

  @Inject
  public HostLiveness(Transactions transactions, HostRepository hosts, Clock clock) {
    this.transactions = transactions;
    this.hosts = hosts;
    this.clock = clock;
  }

  @Scheduled(every = "2s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void check() {
    try {
      List<String> silent =
          transactions.inTransaction(
              connection -> hosts.markSilentHostsOffline(connection, clock.instant()));
      silent.forEach(id -> LOG.warnf("host %s is offline: no heartbeat within its timeout", id));
    } catch (SQLException e) {
      LOG.warnf("host liveness check failed: %s", e.getMessage());
    }
  }
}
