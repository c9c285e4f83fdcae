package org.porthole.engine.guest;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.db.Sql;

/**
 * JDBC access to {@code guest_states} and {@code disconnect_actions}. Stateless: callers pass the
 * connection (and so the transaction).
 */
@ApplicationScoped
public class GuestRepository {

  private static final String STATE_COLUMNS =
      "vm_id, host_id, channel, connected, responsive, agent_version,"
          + " protocol_version, hostname, os_name, users, ips, session, locked, reported_at";

  /** Stores the state unless a newer one is stored (events of one VM may arrive out of order). */
  public void upsertState(Connection connection, GuestState s) throws SQLException {
    String sql =
        "INSERT INTO guest_states ("
            + STATE_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (vm_id) DO UPDATE SET host_id = EXCLUDED.host_id, channel = EXCLUDED.channel,"
            + " connected = EXCLUDED.connected, responsive = EXCLUDED.responsive,"
            + " agent_version = EXCLUDED.agent_version, protocol_version = EXCLUDED.protocol_version,"
            + " hostname = EXCLUDED.hostname, os_name = EXCLUDED.os_name, users = EXCLUDED.users,"
            + " ips = EXCLUDED.ips, session = EXCLUDED.session, locked = EXCLUDED.locked,"
            + " reported_at = EXCLUDED.reported_at WHERE guest_states.reported_at <= EXCLUDED.reported_at";
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setObject(1, s.vmId());
      st.setString(2, s.hostId());
      st.setBoolean(3, s.channel());
      st.setBoolean(4, s.connected());
      st.setBoolean(5, s.responsive());
      st.setString(6, s.agentVersion());
      st.setInt(7, s.protocolVersion());
      st.setString(8, s.hostname());
      st.setString(9, s.osName());
      st.setArray(10, connection.createArrayOf("text", s.users().toArray()));
      st.setArray(11, connection.createArrayOf("text", s.ips().toArray()));
      st.setString(12, s.session());
      st.setBoolean(13, s.locked());
      Sql.setInstant(st, 14, s.reportedAt());
      st.executeUpdate();
    }
  }

  public Optional<GuestState> findState(Connection connection, UUID vmId) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "SELECT " + STATE_COLUMNS + " FROM guest_states WHERE vm_id = ?")) {
      st.setObject(1, vmId);
      try (ResultSet row = st.executeQuery()) {
        return row.next() ? Optional.of(state(row)) : Optional.empty();
      }
    }
  }

  /** Every stored state by VM, for the VM list. */
  public Map<UUID, GuestState> allStates(Connection connection) throws SQLException {
    Map<UUID, GuestState> states = new HashMap<>();
    try (PreparedStatement st =
            connection.prepareStatement("SELECT " + STATE_COLUMNS + " FROM guest_states");
        ResultSet row = st.executeQuery()) {
      while (row.next()) {
        GuestState s = state(row);
        states.put(s.vmId(), s);
      }
    }
    return states;
  }

  /** Records one disconnect action; a re-delivered event is stored once. */
  public void recordAction(Connection connection, GuestEventMapping.ActionRecord a)
      throws SQLException {
    String sql =
        "INSERT INTO disconnect_actions (event_id, vm_id, host_id, action, confirmed, reason, occurred_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setString(1, a.eventId());
      st.setObject(2, a.vmId());
      st.setString(3, a.hostId());
      st.setString(4, a.action());
      st.setBoolean(5, a.confirmed());
      st.setString(6, a.reason());
      Sql.setInstant(st, 7, a.occurredAt());
      st.executeUpdate();
    }
  }

  /** The VM's most recent disconnect actions, newest first. */
  public List<GuestEventMapping.ActionRecord> recentActions(
      Connection connection, UUID vmId, int limit) throws SQLException {
    String sql =
        "SELECT event_id, vm_id, host_id, action, confirmed, reason, occurred_at FROM disconnect_actions"
            + " WHERE vm_id = ? ORDER BY occurred_at DESC, event_id LIMIT ?";
    List<GuestEventMapping.ActionRecord> actions = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setObject(1, vmId);
      st.setInt(2, limit);
      try (ResultSet row = st.executeQuery()) {
        while (row.next()) {
          actions.add(
              new GuestEventMapping.ActionRecord(
                  row.getString("event_id"),
                  Sql.getUuid(row, "vm_id"),
                  row.getString("host_id"),
                  row.getString("action"),
                  row.getBoolean("confirmed"),
                  row.getString("reason"),
                  Sql.getInstant(row, "occurred_at")));
        }
      }
    }
    return actions;
  }

  private static GuestState state(ResultSet row) throws SQLException {
    return new GuestState(
        Sql.getUuid(row, "vm_id"),
        row.getString("host_id"),
        row.getBoolean("channel"),
        row.getBoolean("connected"),
        row.getBoolean("responsive"),
        row.getString("agent_version"),
        row.getInt("protocol_version"),
        row.getString("hostname"),
        row.getString("os_name"),
        texts(row, "users"),
        texts(row, "ips"),
        row.getString("session"),
        row.getBoolean("locked"),
        Sql.getInstant(row, "reported_at"));
  }

  private static List<String> texts(ResultSet row, String column) throws SQLException {
    java.sql.Array array = row.getArray(column);
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
