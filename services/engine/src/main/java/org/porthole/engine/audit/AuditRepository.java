package org.porthole.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code audit_events} (the audit trail and its outbox). Stateless. */
@ApplicationScoped
public class AuditRepository {

  private static final TypeReference<Map<String, Object>> DETAIL = new TypeReference<>() {};
  private static final long NANOS_PER_MICRO = 1_000;

  private final ObjectMapper json;

  @Inject
  public AuditRepository(ObjectMapper json) {
    this.json = json;
  }

  /** Stores the fact in the caller's transaction; returns its id. */
  public long insert(Connection connection, AuditRecord record) throws SQLException {
    String sql =
        "INSERT INTO audit_events (kind, occurred_at, actor, client_address, vm_uuid, session_id, reason,"
            + " detail) VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) RETURNING id";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, record.kind());
      Sql.setInstant(statement, 2, record.occurredAt());
      statement.setString(3, record.actor());
      statement.setString(4, record.clientAddress());
      statement.setObject(5, record.vmUuid());
      statement.setObject(6, record.sessionId());
      statement.setString(7, record.reason());
      statement.setString(8, toJson(record.detail()));
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Events matching the query, newest first. */
  public List<AuditRecord> query(Connection connection, AuditQuery query) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE TRUE");
    List<Object> parameters = new ArrayList<>();
    condition(sql, parameters, " AND actor = ?", query.actor());
    condition(sql, parameters, " AND vm_uuid = ?", query.vmUuid());
    condition(sql, parameters, " AND session_id = ?", query.sessionId());
    condition(
        sql,
        parameters,
        " AND occurred_at >= ?",
        query.from() == null ? null : OffsetDateTime.ofInstant(query.from(), ZoneOffset.UTC));
    condition(
        sql,
        parameters,
        " AND occurred_at <= ?",
        query.to() == null ? null : OffsetDateTime.ofInstant(query.to(), ZoneOffset.UTC));
    Array vmIds =
        query.vmIds() == null ? null : connection.createArrayOf("uuid", query.vmIds().toArray());
    condition(sql, parameters, " AND vm_uuid = ANY (?)", vmIds);
    condition(sql, parameters, " AND id < ?", query.before());
    sql.append(" ORDER BY id DESC LIMIT ?");
    parameters.add(query.limit());
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      return readAll(statement);
    } finally {
      if (vmIds != null) {
        vmIds.free();
      }
    }
  }

  /**
   * An event waiting in the outbox and how long it has waited since it was written, by the
   * database's clock at this read (null for rows written before that was recorded).
   */
  public record Pending(AuditRecord record, Duration waited) {}

  /** The oldest unpublished events, in id order, at most {@code limit}. */
  public List<Pending> unpublished(Connection connection, int limit) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT *, (EXTRACT(EPOCH FROM clock_timestamp() - recorded_at) * 1000000)::bigint"
                + " AS waited_micros FROM audit_events WHERE NOT published ORDER BY id LIMIT ?")) {
      statement.setInt(1, limit);
      List<Pending> pending = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          long micros = rows.getLong("waited_micros");
          Duration waited =
              rows.wasNull() ? null : Duration.ofNanos(Math.max(0, micros) * NANOS_PER_MICRO);
          pending.add(new Pending(read(rows), waited));
        }
      }
      return pending;
    }
  }

  /** Marks the events {@code ids} published. */
  public void markPublished(Connection connection, List<Long> ids) throws SQLException {
    Array array = connection.createArrayOf("bigint", ids.toArray());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE audit_events SET published = TRUE WHERE id = ANY (?)")) {
      statement.setArray(1, array);
      statement.executeUpdate();
    } finally {
      array.free();
    }
  }

  private static void condition(
      StringBuilder sql, List<Object> parameters, String clause, Object value) {
    if (value != null) {
      sql.append(clause);
      parameters.add(value);
    }
  }

  private List<AuditRecord> readAll(PreparedStatement statement) throws SQLException {
    List<AuditRecord> records = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        records.add(read(rows));
      }
    }
    return records;
  }

  private AuditRecord read(ResultSet rows) throws SQLException {
    return new AuditRecord(
        rows.getLong("id"),
        rows.getString("kind"),
        Sql.getInstant(rows, "occurred_at"),
        rows.getString("actor"),
        rows.getString("client_address"),
        Sql.getUuid(rows, "vm_uuid"),
        Sql.getUuid(rows, "session_id"),
        rows.getString("reason"),
        fromJson(rows.getString("detail")));
  }

  private String toJson(Map<String, Object> detail) {
    try {
      return json.writeValueAsString(detail);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit detail is not serializable", e);
    }
  }

  private Map<String, Object> fromJson(String detail) {
    try {
      return json.readValue(detail, DETAIL);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored audit detail is not JSON", e);
    }
  }
}
