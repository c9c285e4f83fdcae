package org.porthole.e2e.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.porthole.stack.postgres.Postgres;

/**
 * What the engine wrote, read straight from its PostgreSQL as an auditor would: sessions and audit
 * rows, to count what a fault may have lost, doubled or half-written.
 */
final class EngineRows {
  private final Postgres postgres;

  EngineRows(Postgres postgres) {
    this.postgres = postgres;
  }

  /** How many audit rows of {@code kind} name session {@code sessionId}. */
  int audited(String sessionId, String kind) throws SQLException {
    return count(
        "SELECT count(*) FROM audit_events WHERE session_id = ? AND kind = ?",
        UUID.fromString(sessionId),
        kind);
  }

  /**
   * Waits up to {@code timeout} for a {@code kind} row of session {@code sessionId}; returns how
   * many there are then. A session's state can run ahead of its audit: a session the reconciler
   * closed ({@code relay-gone}) while its DISCONNECT waited in Kafka or for the database gets its
   * {@code console.disconnected} row only when the event is applied.
   */
  int awaitAudited(String sessionId, String kind, Duration timeout)
      throws SQLException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    int found = audited(sessionId, kind);
    while (found == 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      found = audited(sessionId, kind);
    }
    return found;
  }

  /** Sessions created since {@code since}. */
  int sessionsSince(Instant since) throws SQLException {
    return count(
        "SELECT count(*) FROM console_sessions WHERE created_at >= ?", Timestamp.from(since));
  }

  /** Ticket-issued audit rows written since {@code since}. */
  int ticketsAuditedSince(Instant since) throws SQLException {
    return count(
        "SELECT count(*) FROM audit_events WHERE kind = 'console.ticket-issued'"
            + " AND occurred_at >= ?",
        Timestamp.from(since));
  }

  /**
   * Half-written tickets since {@code since}: sessions without their ticket-issued audit row, and
   * ticket-issued audit rows without their session.
   */
  List<String> halfWrittenSince(Instant since) throws SQLException {
    List<String> found = new ArrayList<>();
    found.addAll(
        strings(
            "SELECT 'session without audit: ' || s.id FROM console_sessions s"
                + " WHERE s.created_at >= ? AND NOT EXISTS (SELECT 1 FROM audit_events a"
                + " WHERE a.session_id = s.id AND a.kind = 'console.ticket-issued')",
            Timestamp.from(since)));
    found.addAll(
        strings(
            "SELECT 'audit without session: ' || a.id FROM audit_events a"
                + " WHERE a.kind = 'console.ticket-issued' AND a.occurred_at >= ?"
                + " AND NOT EXISTS (SELECT 1 FROM console_sessions s WHERE s.id = a.session_id)",
            Timestamp.from(since)));
    return found;
  }

  /** Ids of the audit rows written since {@code since}, in order. */
  List<Long> auditIdsSince(Instant since) throws SQLException {
    return strings(
            "SELECT id::text FROM audit_events WHERE occurred_at >= ? ORDER BY id",
            Timestamp.from(since))
        .stream()
        .map(Long::valueOf)
        .toList();
  }

  /** Audit rows written since {@code since} that the outbox has not published to Kafka yet. */
  int unpublishedSince(Instant since) throws SQLException {
    return count(
        "SELECT count(*) FROM audit_events WHERE occurred_at >= ? AND NOT published",
        Timestamp.from(since));
  }

  private int count(String sql, Object... parameters) throws SQLException {
    return Integer.parseInt(strings(sql, parameters).get(0));
  }

  private List<String> strings(String sql, Object... parameters) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
        PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      List<String> values = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    }
  }
}
