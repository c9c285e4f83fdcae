package org.porthole.engine.inventory;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.porthole.engine.db.Sql;

/**
 * JDBC access to {@code hosts}. Stateless: callers pass the connection (and so the transaction).
 */
@ApplicationScoped
public class HostRepository {

  private static final String COLUMNS =
      "id, online, agent_version, boot_id, inventory_boot_id, heartbeat_timeout_seconds, last_seen";

  /**
   * Records a heartbeat seen at {@code seenAt}. A heartbeat older than the last one seen (a replay,
   * or events out of order) changes nothing.
   */
  public void recordHeartbeat(Connection connection, Heartbeat heartbeat) throws SQLException {
    String sql =
        "INSERT INTO hosts (id, online, agent_version, api_versions, boot_id,"
            + " heartbeat_timeout_seconds, last_seen, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET online = EXCLUDED.online, agent_version = EXCLUDED.agent_version,"
            + " api_versions = EXCLUDED.api_versions, boot_id = EXCLUDED.boot_id,"
            + " heartbeat_timeout_seconds = EXCLUDED.heartbeat_timeout_seconds, last_seen = EXCLUDED.last_seen"
            + " WHERE hosts.last_seen <= EXCLUDED.last_seen";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, heartbeat.hostId());
      statement.setBoolean(2, heartbeat.fresh());
      statement.setString(3, heartbeat.agentVersion());
      statement.setString(4, String.join(",", heartbeat.apiVersions()));
      statement.setString(5, heartbeat.bootId());
      statement.setInt(6, heartbeat.timeoutSeconds());
      Sql.setInstant(statement, 7, heartbeat.seenAt());
      Sql.setInstant(statement, 8, heartbeat.seenAt());
      statement.executeUpdate();
    }
  }

  /** Marks the host offline after its orderly goodbye, unless a later heartbeat was seen. */
  public void recordGoodbye(Connection connection, String hostId, Instant seenAt)
      throws SQLException {
    String sql = "UPDATE hosts SET online = FALSE, last_seen = ? WHERE id = ? AND last_seen <= ?";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      Sql.setInstant(statement, 1, seenAt);
      statement.setString(2, hostId);
      Sql.setInstant(statement, 3, seenAt);
      statement.executeUpdate();
    }
  }

  /**
   * Marks offline every host whose last heartbeat is older than its timeout, counting only the time
   * since {@code listeningSince} (before it the engine could not have recorded a heartbeat);
   * returns their ids.
   */
  public List<String> markSilentHostsOffline(
      Connection connection, Instant now, Instant listeningSince) throws SQLException {
    String sql =
        "UPDATE hosts SET online = FALSE WHERE online AND GREATEST(last_seen, ?)"
            + " + heartbeat_timeout_seconds * INTERVAL '1 second' < ? RETURNING id";
    List<String> ids = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      Sql.setInstant(statement, 1, listeningSince);
      Sql.setInstant(statement, 2, now);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString("id"));
        }
      }
    }
    return ids;
  }

  /** Notes that the domains of {@code bootId} have been listed. */
  public void setInventoryBoot(Connection connection, String hostId, String bootId)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("UPDATE hosts SET inventory_boot_id = ? WHERE id = ?")) {
      statement.setString(1, bootId);
      statement.setString(2, hostId);
      statement.executeUpdate();
    }
  }

  public Optional<Host> find(Connection connection, String hostId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT " + COLUMNS + " FROM hosts WHERE id = ?")) {
      statement.setString(1, hostId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  public List<Host> list(Connection connection) throws SQLException {
    List<Host> hosts = new ArrayList<>();
    try (PreparedStatement statement =
            connection.prepareStatement("SELECT " + COLUMNS + " FROM hosts ORDER BY id");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        hosts.add(read(rows));
      }
    }
    return hosts;
  }

  private static Host read(ResultSet row) throws SQLException {
    return new Host(
        row.getString("id"),
        row.getBoolean("online"),
        row.getString("agent_version"),
        row.getString("boot_id"),
        row.getString("inventory_boot_id"),
        row.getInt("heartbeat_timeout_seconds"),
        Sql.getInstant(row, "last_seen"));
  }

  /** A heartbeat as stored: {@code fresh} when it arrived within the host's timeout. */
  public record Heartbeat(
      String hostId,
      String agentVersion,
      List<String> apiVersions,
      String bootId,
      int timeoutSeconds,
      Instant seenAt,
      boolean fresh) {}
}
