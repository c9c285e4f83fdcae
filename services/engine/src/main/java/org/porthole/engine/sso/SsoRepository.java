package org.porthole.engine.sso;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.db.Sql;

/**
 * JDBC access to {@code vm_sso} (a VM's pinned SPN and delegation policy) and {@code sso_grants}.
 * Stateless: callers pass the connection; writers hold the VM's ticket lock.
 */
@ApplicationScoped
public class SsoRepository {

  private static final String SETTINGS =
      "SELECT vm_id, spn, source, set_by, set_at, reported_spn, reported_at, delegation"
          + " FROM vm_sso WHERE vm_id = ?";

  /** The VM's settings, or empty when nothing was pinned or set. */
  public Optional<SsoSettings> find(Connection connection, UUID vmId) throws SQLException {
    return settings(connection, SETTINGS, vmId);
  }

  /** As {@link #find}, locking the row until the transaction ends. */
  public Optional<SsoSettings> findForUpdate(Connection connection, UUID vmId) throws SQLException {
    return settings(connection, SETTINGS + " FOR UPDATE", vmId);
  }

  /** Pins {@code spn} (a new pin clears the last differing report); the delegation stays. */
  public void pin(
      Connection connection, UUID vmId, String spn, String source, String by, Instant at)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO vm_sso (vm_id, spn, source, set_by, set_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (vm_id) DO UPDATE SET spn = EXCLUDED.spn,"
                + " source = EXCLUDED.source, set_by = EXCLUDED.set_by,"
                + " set_at = EXCLUDED.set_at, reported_spn = NULL, reported_at = NULL")) {
      statement.setObject(1, vmId);
      statement.setString(2, spn);
      statement.setString(3, source);
      statement.setString(4, by);
      Sql.setInstant(statement, 5, at);
      statement.executeUpdate();
    }
  }

  /** Keeps the guest's latest report that differs from the pin (shown, never used). */
  public void report(Connection connection, UUID vmId, String reported, Instant at)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE vm_sso SET reported_spn = ?, reported_at = ? WHERE vm_id = ?")) {
      statement.setString(1, reported);
      Sql.setInstant(statement, 2, at);
      statement.setObject(3, vmId);
      statement.executeUpdate();
    }
  }

  /** Sets the VM's delegation policy (null: the engine's default). */
  public void setDelegation(Connection connection, UUID vmId, String delegation)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO vm_sso (vm_id, delegation) VALUES (?, ?)"
                + " ON CONFLICT (vm_id) DO UPDATE SET delegation = EXCLUDED.delegation")) {
      statement.setObject(1, vmId);
      statement.setString(2, delegation);
      statement.executeUpdate();
    }
  }

  /**
   * Forgets the VM's settings (pin and delegation): the next report pins again.
   *
   * @return false when there were none
   */
  public boolean forget(Connection connection, UUID vmId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM vm_sso WHERE vm_id = ?")) {
      statement.setObject(1, vmId);
      return statement.executeUpdate() > 0;
    }
  }

  /** Stores the SSO grant of a console session issued in this transaction. */
  public void insertGrant(Connection connection, SsoGrant grant) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO sso_grants"
                + " (session_id, vm_id, host_id, spn, delegation, principal, issued_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      statement.setObject(1, grant.sessionId());
      statement.setObject(2, grant.vmId());
      statement.setString(3, grant.hostId());
      statement.setString(4, grant.spn());
      statement.setString(5, grant.delegation());
      statement.setString(6, grant.principal());
      Sql.setInstant(statement, 7, grant.issuedAt());
      statement.executeUpdate();
    }
  }

  /** The session's SSO grant with the session's owner, or empty when it has none. */
  public Optional<SsoGrant> findGrant(Connection connection, UUID sessionId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT g.session_id, g.vm_id, g.host_id, g.spn, g.delegation, g.principal,"
                + " g.issued_at, s.owner FROM sso_grants g"
                + " JOIN console_sessions s ON s.id = g.session_id WHERE g.session_id = ?")) {
      statement.setObject(1, sessionId);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new SsoGrant(
                Sql.getUuid(row, "session_id"),
                Sql.getUuid(row, "vm_id"),
                row.getString("host_id"),
                row.getString("spn"),
                row.getString("delegation"),
                row.getString("principal"),
                Sql.getInstant(row, "issued_at"),
                row.getString("owner")));
      }
    }
  }

  private static Optional<SsoSettings> settings(Connection connection, String sql, UUID vmId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, vmId);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new SsoSettings(
                Sql.getUuid(row, "vm_id"),
                row.getString("spn"),
                row.getString("source"),
                row.getString("set_by"),
                Sql.getInstant(row, "set_at"),
                row.getString("reported_spn"),
                Sql.getInstant(row, "reported_at"),
                row.getString("delegation")));
      }
    }
  }
}
