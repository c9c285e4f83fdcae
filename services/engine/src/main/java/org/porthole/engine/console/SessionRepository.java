package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.acl.ConsoleMode;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code console_sessions}. Stateless: callers pass the connection. */
@ApplicationScoped
public class SessionRepository {

  /** Advisory-lock namespace for per-VM ticket issue. */
  private static final int VM_LOCK_NAMESPACE = 0x54494b54;

  /** Advisory-lock namespace for per-user ticket issue (the user's limits). */
  private static final int OWNER_LOCK_NAMESPACE = 0x54494b55;

  private static final String LIVE =
      "(state = 'connected' OR (state = 'issued' AND expires_at > ?))";

  /**
   * Serializes ticket issue for one VM across threads and engine replicas until the transaction
   * ends (a second ticket must not overwrite the first while it is being set).
   */
  public void lockVm(Connection connection, UUID vmId) throws SQLException {
    Sql.advisoryLock(connection, VM_LOCK_NAMESPACE, vmId.hashCode());
  }

  /**
   * Serializes ticket issue for one user across threads and replicas until the transaction ends, so
   * two requests cannot both pass the user's limits. Taken before {@link #lockVm}, always.
   */
  public void lockOwner(Connection connection, String owner) throws SQLException {
    Sql.advisoryLock(connection, OWNER_LOCK_NAMESPACE, owner.hashCode());
  }

  /**
   * How many live sessions (connected, or issued and not expired) {@code owner} has, on every VM.
   */
  public int countLiveOfOwner(Connection connection, String owner, Instant now)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT count(*) FROM console_sessions WHERE owner = ? AND " + LIVE)) {
      statement.setString(1, owner);
      Sql.setInstant(statement, 2, now);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  /** When {@code owner}'s sessions created after {@code since} were issued, oldest first. */
  public List<Instant> issuedSince(Connection connection, String owner, Instant since)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT created_at FROM console_sessions"
                + " WHERE owner = ? AND created_at > ? ORDER BY created_at")) {
      statement.setString(1, owner);
      Sql.setInstant(statement, 2, since);
      List<Instant> times = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          times.add(Sql.getInstant(rows, "created_at"));
        }
      }
      return times;
    }
  }

  public void insert(Connection connection, ConsoleSession session) throws SQLException {
    String sql =
        "INSERT INTO console_sessions (id, vm_id, host_id, subject, channel, state, created_at, expires_at,"
            + " owner, owner_groups, owner_admin, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, session.id());
      statement.setObject(2, session.vmId());
      statement.setString(3, session.hostId());
      statement.setString(4, session.subject());
      statement.setString(5, session.channel());
      statement.setString(6, session.state().wireName());
      Sql.setInstant(statement, 7, session.createdAt());
      Sql.setInstant(statement, 8, session.expiresAt());
      statement.setString(9, session.owner());
      Array groups = connection.createArrayOf("text", session.ownerGroups().toArray());
      statement.setArray(10, groups);
      statement.setBoolean(11, session.ownerAdmin());
      statement.setString(12, session.mode().wireName());
      statement.executeUpdate();
      groups.free();
    }
  }

  public Optional<ConsoleSession> find(Connection connection, UUID id) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT * FROM console_sessions WHERE id = ?")) {
      statement.setObject(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** Records a VNC client's TCP connect on an issued session. */
  public void recordConnect(Connection connection, UUID id, Instant at, String clientAddress)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE console_sessions"
                + " SET connect_seen_at = ?, client_address = ? WHERE id = ? AND state = 'issued'")) {
      Sql.setInstant(statement, 1, at);
      statement.setString(2, clientAddress);
      statement.setObject(3, id);
      statement.executeUpdate();
    }
  }

  /** issued → connected. */
  public boolean markConnected(Connection connection, UUID id, Instant at) throws SQLException {
    return update(
        connection,
        "UPDATE console_sessions SET state = 'connected', connected_at = ?"
            + " WHERE id = ? AND state = 'issued'",
        id,
        at);
  }

  /** issued or connected → closed, because the viewer went away. */
  public boolean markClosed(Connection connection, UUID id, Instant at) throws SQLException {
    return update(
        connection,
        "UPDATE console_sessions SET state = 'closed', closed_at = ?, close_reason = 'disconnected'"
            + " WHERE id = ? AND state <> 'closed'",
        id,
        at);
  }

  /**
   * issued → closed for sessions whose ticket expired before {@code cutoff} without any viewer
   * authenticating; returns their ids. One statement: safe with several engine replicas.
   */
  public List<UUID> closeExpiredUnused(Connection connection, Instant cutoff, Instant now)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE console_sessions"
                + " SET state = 'closed', closed_at = ?, close_reason = 'expired'"
                + " WHERE state = 'issued' AND expires_at < ? RETURNING id")) {
      Sql.setInstant(statement, 1, now);
      Sql.setInstant(statement, 2, cutoff);
      List<UUID> closed = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          closed.add(Sql.getUuid(rows, "id"));
        }
      }
      return closed;
    }
  }

  /**
   * Live sessions of the VM: connected, or issued with a token valid after {@code now}. Read under
   * the VM's ticket lock, so no session is issued meanwhile.
   */
  public List<ConsoleSession> liveOnVm(Connection connection, UUID vmId, Instant now)
      throws SQLException {
    return query(
        connection,
        "SELECT * FROM console_sessions WHERE vm_id = ? AND (state = 'connected'"
            + " OR (state = 'issued' AND expires_at > ?)) ORDER BY created_at",
        vmId,
        now);
  }

  /**
   * Who held the VM's interactive console on {@code hostId} last: the owner of its newest
   * interactive session there that was connected, and still is or closed after {@code closedSince}.
   */
  public Optional<String> lastHolder(
      Connection connection, UUID vmId, String hostId, Instant closedSince) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT owner FROM console_sessions WHERE vm_id = ? AND host_id = ?"
                + " AND mode = 'interactive' AND connected_at IS NOT NULL"
                + " AND (state = 'connected' OR closed_at >= ?)"
                + " ORDER BY connected_at DESC LIMIT 1")) {
      statement.setObject(1, vmId);
      statement.setString(2, hostId);
      Sql.setInstant(statement, 3, closedSince);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString("owner")) : Optional.empty();
      }
    }
  }

  /** The host's connected sessions created before {@code createdBefore}, oldest first. */
  public List<ConsoleSession> connectedOnHost(
      Connection connection, String hostId, Instant createdBefore) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT * FROM console_sessions"
                + " WHERE host_id = ? AND state = 'connected' AND created_at < ? ORDER BY created_at")) {
      statement.setString(1, hostId);
      Sql.setInstant(statement, 2, createdBefore);
      return readAll(statement);
    }
  }

  /**
   * Connected sessions whose host is offline (missed heartbeats, or said goodbye), oldest first.
   */
  public List<ConsoleSession> connectedOnOfflineHosts(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT s.* FROM console_sessions s"
                + " JOIN hosts h ON h.id = s.host_id WHERE s.state = 'connected' AND NOT h.online"
                + " ORDER BY s.created_at")) {
      return readAll(statement);
    }
  }

  /** Of {@code ids}, those that are closed or unknown here. */
  public Set<UUID> closedOrUnknown(Connection connection, Set<UUID> ids) throws SQLException {
    Set<UUID> result = new HashSet<>(ids);
    Array array = connection.createArrayOf("uuid", ids.toArray());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT id FROM console_sessions WHERE id = ANY (?) AND state <> 'closed'")) {
      statement.setArray(1, array);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          result.remove(Sql.getUuid(rows, "id"));
        }
      }
    } finally {
      array.free();
    }
    return result;
  }

  /** Every live session (connected, or issued and not expired), oldest first. */
  public List<ConsoleSession> live(Connection connection, Instant now) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT * FROM console_sessions"
                + " WHERE state = 'connected' OR (state = 'issued' AND expires_at > ?) ORDER BY created_at")) {
      Sql.setInstant(statement, 1, now);
      return readAll(statement);
    }
  }

  /**
   * Sessions, newest first: of {@code owner} only, or everyone's when null; at most {@code limit}.
   */
  public List<ConsoleSession> list(Connection connection, String owner, int limit)
      throws SQLException {
    String sql =
        "SELECT * FROM console_sessions"
            + (owner == null ? "" : " WHERE owner = ?")
            + " ORDER BY created_at DESC LIMIT ?";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int index = 1;
      if (owner != null) {
        statement.setString(index++, owner);
      }
      statement.setInt(index, limit);
      return readAll(statement);
    }
  }

  /**
   * Closes a session that Porthole ended ({@code taken-over}, {@code revoked}, {@code relay-gone},
   * {@code host-offline}).
   *
   * @return false when it was closed already
   */
  public boolean markEnded(Connection connection, UUID id, Instant at, String reason)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE console_sessions"
                + " SET state = 'closed', closed_at = ?, close_reason = ? WHERE id = ? AND state <> 'closed'")) {
      Sql.setInstant(statement, 1, at);
      statement.setString(2, reason);
      statement.setObject(3, id);
      return statement.executeUpdate() > 0;
    }
  }

  private static List<ConsoleSession> query(
      Connection connection, String sql, UUID vmId, Instant now) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, vmId);
      Sql.setInstant(statement, 2, now);
      return readAll(statement);
    }
  }

  private static List<ConsoleSession> readAll(PreparedStatement statement) throws SQLException {
    List<ConsoleSession> found = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        found.add(read(rows));
      }
    }
    return found;
  }

  private static boolean update(Connection connection, String sql, UUID id, Instant at)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      Sql.setInstant(statement, 1, at);
      statement.setObject(2, id);
      return statement.executeUpdate() > 0;
    }
  }

  private static ConsoleSession read(ResultSet row) throws SQLException {
    return new ConsoleSession(
        Sql.getUuid(row, "id"),
        Sql.getUuid(row, "vm_id"),
        row.getString("host_id"),
        row.getString("subject"),
        row.getString("channel"),
        SessionState.fromWireName(row.getString("state")),
        Sql.getInstant(row, "created_at"),
        Sql.getInstant(row, "expires_at"),
        Sql.getInstant(row, "connect_seen_at"),
        row.getString("client_address"),
        Sql.getInstant(row, "connected_at"),
        Sql.getInstant(row, "closed_at"),
        row.getString("close_reason"),
        row.getString("owner"),
        Set.of((String[]) row.getArray("owner_groups").getArray()),
        row.getBoolean("owner_admin"),
        ConsoleMode.parse(row.getString("mode")).orElseThrow());
  }
}
