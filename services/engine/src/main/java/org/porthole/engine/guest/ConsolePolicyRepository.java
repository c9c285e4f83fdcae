package org.porthole.engine.guest;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code console_policies}. Stateless: callers pass the connection. */
@ApplicationScoped
public class ConsolePolicyRepository {

  /** A stored policy and when its host agent last took it (null: not yet). */
  public record Stored(ConsolePolicy policy, Instant updatedAt, Instant pushedAt) {}

  public void upsert(Connection connection, ConsolePolicy p, Instant at) throws SQLException {
    String sql =
        "INSERT INTO console_policies (vm_id, disconnect_action, grace_ms, reconnect_window_s, updated_at,"
            + " pushed_at) VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (vm_id) DO UPDATE SET"
            + " disconnect_action = EXCLUDED.disconnect_action, grace_ms = EXCLUDED.grace_ms,"
            + " reconnect_window_s = EXCLUDED.reconnect_window_s, updated_at = EXCLUDED.updated_at, pushed_at = NULL";
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setObject(1, p.vmId());
      st.setString(2, p.disconnectAction().wireName());
      st.setInt(3, p.graceMs());
      st.setInt(4, p.reconnectWindowSeconds());
      Sql.setInstant(st, 5, at);
      st.executeUpdate();
    }
  }

  /**
   * Marks the policy stored at {@code updatedAt} as taken by the agent (a newer edit stays
   * unpushed).
   */
  public void markPushed(Connection connection, UUID vmId, Instant updatedAt, Instant at)
      throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "UPDATE console_policies SET pushed_at = ? WHERE vm_id = ? AND updated_at = ?")) {
      Sql.setInstant(st, 1, at);
      st.setObject(2, vmId);
      Sql.setInstant(st, 3, updatedAt);
      st.executeUpdate();
    }
  }

  public Optional<Stored> find(Connection connection, UUID vmId) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "SELECT vm_id, disconnect_action, grace_ms, reconnect_window_s, updated_at, pushed_at"
                + " FROM console_policies WHERE vm_id = ?")) {
      st.setObject(1, vmId);
      try (ResultSet row = st.executeQuery()) {
        return row.next() ? Optional.of(stored(row)) : Optional.empty();
      }
    }
  }

  /** The stored policies of the VMs on {@code hostId}, to push when that agent (re)appears. */
  public List<Stored> forHost(Connection connection, String hostId) throws SQLException {
    String sql =
        "SELECT p.vm_id, p.disconnect_action, p.grace_ms, p.reconnect_window_s, p.updated_at, p.pushed_at"
            + " FROM console_policies p JOIN vms v ON v.id = p.vm_id WHERE v.host_id = ?";
    List<Stored> result = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setString(1, hostId);
      try (ResultSet row = st.executeQuery()) {
        while (row.next()) {
          result.add(stored(row));
        }
      }
    }
    return result;
  }

  private static Stored stored(ResultSet row) throws SQLException {
    DisconnectAction action =
        DisconnectAction.parse(row.getString("disconnect_action"))
            .orElseThrow(
                () -> new SQLException("console_policies holds an unknown disconnect action"));
    ConsolePolicy policy =
        new ConsolePolicy(
            Sql.getUuid(row, "vm_id"),
            action,
            row.getInt("grace_ms"),
            row.getInt("reconnect_window_s"));
    return new Stored(policy, Sql.getInstant(row, "updated_at"), Sql.getInstant(row, "pushed_at"));
  }
}
