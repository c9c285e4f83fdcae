package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code exposed_console_opt_ins}. Stateless: callers pass the connection. */
@ApplicationScoped
public class ExposureRepository {

  /** Who opted a VM in, and when. */
  public record OptIn(UUID vmId, String by, Instant at) {}

  public Optional<OptIn> find(Connection connection, UUID vmId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT vm_id, opted_in_by, opted_in_at FROM exposed_console_opt_ins WHERE vm_id = ?")) {
      statement.setObject(1, vmId);
      try (ResultSet row = statement.executeQuery()) {
        return row.next()
            ? Optional.of(
                new OptIn(
                    Sql.getUuid(row, "vm_id"),
                    row.getString("opted_in_by"),
                    Sql.getInstant(row, "opted_in_at")))
            : Optional.empty();
      }
    }
  }

  /**
   * @return false when the VM was opted in already (the first decision stays)
   */
  public boolean optIn(Connection connection, UUID vmId, String by, Instant at)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO exposed_console_opt_ins"
                + " (vm_id, opted_in_by, opted_in_at) VALUES (?, ?, ?) ON CONFLICT (vm_id) DO NOTHING")) {
      statement.setObject(1, vmId);
      statement.setString(2, by);
      Sql.setInstant(statement, 3, at);
      return statement.executeUpdate() > 0;
    }
  }

  /**
   * @return false when the VM was not opted in
   */
  public boolean optOut(Connection connection, UUID vmId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM exposed_console_opt_ins WHERE vm_id = ?")) {
      statement.setObject(1, vmId);
      return statement.executeUpdate() > 0;
    }
  }
}
