package org.porthole.engine.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Conversions between Java time and id types and PostgreSQL columns, in one place so every
 * repository stores instants as {@code TIMESTAMPTZ} in UTC the same way; and the transaction-scoped
 * advisory locks that serialize work across engine replicas.
 */
public final class Sql {

  private Sql() {}

  /** Binds an instant (or SQL NULL) to a {@code TIMESTAMPTZ} parameter. */
  public static void setInstant(PreparedStatement statement, int index, Instant value)
      throws SQLException {
    statement.setObject(
        index, value == null ? null : OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
  }

  /** Reads a {@code TIMESTAMPTZ} column, or null. */
  public static Instant getInstant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /** Reads a {@code UUID} column, or null. */
  public static UUID getUuid(ResultSet row, String column) throws SQLException {
    return row.getObject(column, UUID.class);
  }

  /**
   * Waits for the advisory lock ({@code namespace}, {@code key}) and holds it until the transaction
   * ends.
   */
  public static void advisoryLock(Connection connection, int namespace, int key)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
      statement.setInt(1, namespace);
      statement.setInt(2, key);
      statement.execute();
    }
  }

  /**
   * Takes the advisory lock until the transaction ends if nobody holds it; false (at once)
   * otherwise.
   */
  public static boolean tryAdvisoryLock(Connection connection, int namespace, int key)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?, ?)")) {
      statement.setInt(1, namespace);
      statement.setInt(2, key);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }
}
