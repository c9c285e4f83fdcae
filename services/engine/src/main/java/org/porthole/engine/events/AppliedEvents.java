package org.porthole.engine.events;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;
import org.porthole.engine.db.Sql;
import org.porthole.engine.db.Transactions;

/**
 * The ids of events already applied ({@code applied_events}): inserting an id in the same
 * transaction as the event's effect makes a replayed event a no-op. Ids older than {@link
 * #RETENTION} are pruned; by then their offsets are long committed.
 */
@ApplicationScoped
public class AppliedEvents {

  static final Duration RETENTION = Duration.ofDays(7);
  private static final Logger LOG = Logger.getLogger(AppliedEvents.class);

  private final Transactions transactions;
  private final Clock clock;

  @Inject
  public AppliedEvents(Transactions transactions, Clock clock) {
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Records {@code eventId} as applied.
   *
   * @return false when it was applied before (the caller then changes nothing)
   */
  public boolean markApplied(Connection connection, String eventId, String topic)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO applied_events (event_id, topic, applied_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      statement.setString(1, eventId);
      statement.setString(2, topic);
      Sql.setInstant(statement, 3, clock.instant());
      return statement.executeUpdate() == 1;
    }
  }

  @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void prune() {
    Instant before = clock.instant().minus(RETENTION);
    try {
      int pruned =
          transactions.inTransaction(
              connection -> {
                try (PreparedStatement statement =
                    connection.prepareStatement(
                        "DELETE FROM applied_events WHERE applied_at < ?")) {
                  Sql.setInstant(statement, 1, before);
                  return statement.executeUpdate();
                }
              });
      LOG.debugf("pruned %d applied event ids", pruned);
    } catch (SQLException e) {
      LOG.warnf("pruning applied event ids failed: %s", e.getMessage());
    }
  }
}
