package org.porthole.engine.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.porthole.engine.db.Transactions;

/**
 * Writes audited facts. A change and its audit row share one transaction ({@link #record}), so
 * neither exists without the other; a refusal changes nothing and is written alone ({@link
 * #recordAlone}). The outbox publisher sends them to Kafka afterwards.
 */
@ApplicationScoped
public class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);

  private final AuditRepository audit;
  private final Transactions transactions;

  @Inject
  public AuditLog(AuditRepository audit, Transactions transactions) {
    this.audit = audit;
    this.transactions = transactions;
  }

  /** Stores the fact in the caller's transaction; returns its id. */
  public long record(Connection connection, AuditRecord record) throws SQLException {
    return audit.insert(connection, record);
  }

  /**
   * Stores the fact in a transaction of its own (a refusal, or a takeover that must stay recorded
   * even if what follows fails). A database failure is logged, not thrown: the refusal stands.
   */
  public void recordAlone(AuditRecord record) {
    try {
      transactions.inTransaction(connection -> record(connection, record));
    } catch (SQLException | RuntimeException e) {
      LOG.errorf(
          "audit event %s for VM %s by %s not stored: %s",
          record.kind(), record.vmUuid(), record.actor(), e.getMessage());
    }
  }
}
