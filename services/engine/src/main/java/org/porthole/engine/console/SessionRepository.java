package org.porthole.engine.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.porthole.engine.db.Sql;

/** JDBC access to {@code console_sessions}. Stateless: callers pass the connection. */
@ApplicationScoped
public class SessionRepository {

    /** Advisory-lock namespace for per-VM ticket issue. */
    private static final int VM_LOCK_NAMESPACE = 0x54494b54;

    /**
     * Serializes ticket issue for one VM across threads and engine replicas until the
     * transaction ends (a second ticket must not overwrite the first while it is being set).
     */
    public void lockVm(Connection connection, UUID vmId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
            statement.setInt(1, VM_LOCK_NAMESPACE);
            statement.setInt(2, vmId.hashCode());
            statement.execute();
        }
    }

    public void insert(Connection connection, ConsoleSession session) throws SQLException {
        String sql = "INSERT INTO console_sessions (id, vm_id, host_id, subject, channel, state, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, session.id());
            statement.setObject(2, session.vmId());
            statement.setString(3, session.hostId());
            statement.setString(4, session.subject());
            statement.setString(5, session.channel());
            statement.setString(6, session.state().wireName());
            Sql.setInstant(statement, 7, session.createdAt());
            Sql.setInstant(statement, 8, session.expiresAt());
            statement.executeUpdate();
        }
    }

    public Optional<ConsoleSession> find(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT * FROM console_sessions WHERE id = ?")) {
            statement.setObject(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        }
    }

    /** Records a VNC client's TCP connect on an issued session. */
    public void recordConnect(Connection connection, UUID id, Instant at, String clientAddress) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE console_sessions"
                + " SET connect_seen_at = ?, client_address = ? WHERE id = ? AND state = 'issued'")) {
            Sql.setInstant(statement, 1, at);
            statement.setString(2, clientAddress);
            statement.setObject(3, id);
            statement.executeUpdate();
        }
    }

    /** issued → connected. */
    public void markConnected(Connection connection, UUID id, Instant at) throws SQLException {
        update(connection, "UPDATE console_sessions SET state = 'connected', connected_at = ?"
                + " WHERE id = ? AND state = 'issued'", id, at);
    }

    /** issued or connected → closed, because the viewer went away. */
    public void markClosed(Connection connection, UUID id, Instant at) throws SQLException {
        update(connection, "UPDATE console_sessions SET state = 'closed', closed_at = ?, close_reason = 'disconnected'"
                + " WHERE id = ? AND state <> 'closed'", id, at);
    }

    /**
     * issued → closed for sessions whose ticket expired before {@code cutoff} without any viewer
     * authenticating; returns their ids. One statement: safe with several engine replicas.
     */
    public List<UUID> closeExpiredUnused(Connection connection, Instant cutoff, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE console_sessions"
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

    private static void update(Connection connection, String sql, UUID id, Instant at) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.setInstant(statement, 1, at);
            statement.setObject(2, id);
            statement.executeUpdate();
        }
    }

    private static ConsoleSession read(ResultSet row) throws SQLException {
        return new ConsoleSession(Sql.getUuid(row, "id"), Sql.getUuid(row, "vm_id"), row.getString("host_id"),
                row.getString("subject"), row.getString("channel"), SessionState.fromWireName(row.getString("state")),
                Sql.getInstant(row, "created_at"), Sql.getInstant(row, "expires_at"),
                Sql.getInstant(row, "connect_seen_at"), row.getString("client_address"),
                Sql.getInstant(row, "connected_at"), Sql.getInstant(row, "closed_at"), row.getString("close_reason"));
    }
}
