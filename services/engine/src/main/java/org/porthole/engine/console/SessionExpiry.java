package org.porthole.engine.console;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.engine.db.Transactions;

/**
 * Closes sessions whose token expired before any viewer authenticated, so the session list tells
 * the truth. A grace period after expiry leaves room for a graphics event that is still on its way
 * through Kafka (an initialize can only happen before expiry). Runs on the scheduler's worker
 * thread.
 */
@ApplicationScoped
public class SessionExpiry {

  /** How long after a ticket's expiry a late INITIALIZE may still arrive. */
  static final Duration EVENT_GRACE = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(SessionExpiry.class);

  private final Transactions transactions;
  private final SessionRepository sessions;
  private final Clock clock;

  @Inject
  public SessionExpiry(Transactions transactions, SessionRepository sessions, Clock clock) {
    this.transactions = transactions;
    this.sessions = sessions;
    this.clock = clock;
  }

  @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      closeExpired();
    } catch (SQLException e) {
      LOG.warnf("closing expired console sessions failed: %s", e.getMessage());
    }
  }

  /** Closes every unused session past expiry plus grace; returns their ids. */
  List<UUID> closeExpired() throws SQLException {
    Instant now = clock.instant();
    List<UUID> closed =
        transactions.inTransaction(
            connection -> sessions.closeExpiredUnused(connection, now.minus(EVENT_GRACE), now));
    closed.forEach(id -> LOG.infof("console session %s closed: its ticket expired unused", id));
    return closed;
  }
}
