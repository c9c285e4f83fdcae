package org.porthole.engine.inventory;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code vms}. Stateless: callers pass the connection (and so the transaction). */
@ApplicationScoped
public class VmRepository {

  private static final String SELECT_LISTING =
      "SELECT v.id, v.host_id, v.name, v.state, v.graphics_type,"
          + " v.graphics_exposed, v.password_capable, v.updated_at, COALESCE(h.online, FALSE) AS host_online"
          + " FROM vms v LEFT JOIN hosts h ON h.id = v.host_id";

  /**
   * Inserts the VM or replaces every field of the stored one, unless the stored one was updated
   * after {@code vm.updatedAt()} (a newer event must not be undone by an older view).
   */
  public void upsert(Connection connection, Vm vm) throws SQLException {
    String sql =
        "INSERT INTO vms (id, host_id, name, state, graphics_type, graphics_exposed, password_capable,"
            + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " host_id = EXCLUDED.host_id, name = EXCLUDED.name, state = EXCLUDED.state,"
            + " graphics_type = EXCLUDED.graphics_type, graphics_exposed = EXCLUDED.graphics_exposed,"
            + " password_capable = EXCLUDED.password_capable, updated_at = EXCLUDED.updated_at"
            + " WHERE vms.updated_at <= EXCLUDED.updated_at";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, vm.id());
      statement.setString(2, vm.hostId());
      statement.setString(3, vm.name());
      statement.setString(4, vm.state().wireName());
      VmGraphics graphics = vm.graphics();
      statement.setString(5, graphics == null ? null : graphics.type());
      statement.setBoolean(6, graphics != null && graphics.exposed());
      statement.setBoolean(7, graphics != null && graphics.passwordCapable());
      Sql.setInstant(statement, 8, vm.updatedAt());
      statement.executeUpdate();
    }
  }

  /**
   * Updates state, host and (when not blank) name of a known VM, unless it was updated after {@code
   * at}.
   *
   * @return false when the VM is unknown or newer
   */
  public boolean updateState(
      Connection connection, UUID id, String hostId, String name, VmState state, Instant at)
      throws SQLException {
    String sql =
        "UPDATE vms SET state = ?, host_id = ?, name = COALESCE(NULLIF(?, ''), name), updated_at = ?"
            + " WHERE id = ? AND updated_at <= ?";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, state.wireName());
      statement.setString(2, hostId);
      statement.setString(3, name);
      Sql.setInstant(statement, 4, at);
      statement.setObject(5, id);
      Sql.setInstant(statement, 6, at);
      return statement.executeUpdate() > 0;
    }
  }

  /** Deletes the VM unless it was updated after {@code at}. */
  public void delete(Connection connection, UUID id, Instant at) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM vms WHERE id = ? AND updated_at <= ?")) {
      statement.setObject(1, id);
      Sql.setInstant(statement, 2, at);
      statement.executeUpdate();
    }
  }

  /**
   * Deletes the host's VMs that are not in {@code keep} and were last updated before {@code
   * snapshotAt} (a VM an event added while the host was being listed stays).
   *
   * @return how many were deleted
   */
  public int deleteOthersOnHost(
      Connection connection, String hostId, Collection<UUID> keep, Instant snapshotAt)
      throws SQLException {
    Array ids = connection.createArrayOf("uuid", keep.toArray());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "DELETE FROM vms WHERE host_id = ? AND NOT (id = ANY (?)) AND updated_at < ?")) {
      statement.setString(1, hostId);
      statement.setArray(2, ids);
      Sql.setInstant(statement, 3, snapshotAt);
      return statement.executeUpdate();
    } finally {
      ids.free();
    }
  }

  public Optional<VmListing> find(Connection connection, UUID id) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(SELECT_LISTING + " WHERE v.id = ?")) {
      statement.setObject(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  public List<VmListing> list(Connection connection) throws SQLException {
    List<VmListing> vms = new ArrayList<>();
    try (PreparedStatement statement =
            connection.prepareStatement(SELECT_LISTING + " ORDER BY v.name, v.id");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        vms.add(read(rows));
      }
    }
    return vms;
  }

  /** How many VMs each host has, by host id (hosts without VMs are absent). */
  public Map<String, Integer> countByHost(Connection connection) throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (PreparedStatement statement =
            connection.prepareStatement("SELECT host_id, count(*) AS n FROM vms GROUP BY host_id");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        counts.put(rows.getString("host_id"), rows.getInt("n"));
      }
    }
    return counts;
  }

  private static VmListing read(ResultSet row) throws SQLException {
    String graphicsType = row.getString("graphics_type");
    VmGraphics graphics =
        graphicsType == null
            ? null
            : new VmGraphics(
                graphicsType,
                row.getBoolean("graphics_exposed"),
                row.getBoolean("password_capable"));
    Vm vm =
        new Vm(
            Sql.getUuid(row, "id"),
            row.getString("host_id"),
            row.getString("name"),
            VmState.fromWireName(row.getString("state")),
            graphics,
            Sql.getInstant(row, "updated_at"));
    return new VmListing(vm, row.getBoolean("host_online"));
  }
}
