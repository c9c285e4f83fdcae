package org.porthole.engine.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs a unit of work on one pooled JDBC connection, committed as one transaction.
 *
 * <p>The engine uses plain JDBC (no ORM) to keep the build and the start fast; each feature's
 * repository takes the {@link Connection} it should use, so one transaction can span several
 * repositories (for example an event's de-duplication row and the state it changes).
 */
@ApplicationScoped
public class Transactions {

  private final DataSource dataSource;

  @Inject
  public Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
  public <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(connection, e);
        throw e;
      }
    }
  }

  /** Runs read-only {@code work} on a connection in auto-commit mode. */
  public <T> T read(Work<T> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      return work.run(connection);
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  /** A unit of work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }
}
