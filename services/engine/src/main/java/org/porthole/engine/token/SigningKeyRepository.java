package org.porthole.engine.token;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code signing_keys}. Stateless: callers pass the connection. */
@ApplicationScoped
public class SigningKeyRepository {

  /** Advisory-lock namespace that serializes key creation and rotation across engine replicas. */
  private static final int LOCK_NAMESPACE = 0x504b4559;

  /** Takes the cluster-wide key lock until the transaction ends. */
  public void lock(Connection connection) throws SQLException {
    Sql.advisoryLock(connection, LOCK_NAMESPACE, 0);
  }

  public List<StoredKey> list(Connection connection) throws SQLException {
    List<StoredKey> keys = new ArrayList<>();
    try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT kid, private_key, public_key, created_at, retired_at FROM signing_keys");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        keys.add(
            new StoredKey(
                rows.getString("kid"),
                rows.getBytes("private_key"),
                rows.getBytes("public_key"),
                Sql.getInstant(rows, "created_at"),
                Sql.getInstant(rows, "retired_at")));
      }
    }
    return keys;
  }

  public void insert(Connection connection, StoredKey key) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO signing_keys (kid, private_key, public_key, created_at, retired_at) VALUES (?, ?, ?, ?, ?)")) {
      statement.setString(1, key.kid());
      statement.setBytes(2, key.privatePkcs8());
      statement.setBytes(3, key.publicX509());
      Sql.setInstant(statement, 4, key.createdAt());
      Sql.setInstant(statement, 5, key.retiredAt());
      statement.executeUpdate();
    }
  }

  public void retire(Connection connection, String kid, Instant at) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL")) {
      Sql.setInstant(statement, 1, at);
      statement.setString(2, kid);
      statement.executeUpdate();
    }
  }

  public void delete(Connection connection, String kid) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM signing_keys WHERE kid = ?")) {
      statement.setString(1, kid);
      statement.executeUpdate();
    }
  }
}
