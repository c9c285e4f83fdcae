package org.porthole.engine.acl;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code acl_entries}. Stateless: callers pass the connection. */
@ApplicationScoped
public class AclRepository {

  private static final String UNIQUE_VIOLATION = "23505";

  /** Inserts the entry; empty when the same grant exists already. */
  public Optional<AclEntry> insert(Connection connection, AclEntry entry) throws SQLException {
    String sql =
        "INSERT INTO acl_entries (subject_kind, subject, object_kind, object, permission, created_by,"
            + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, entry.subjectKind().wireName());
      statement.setString(2, entry.subject());
      statement.setString(3, entry.objectKind().wireName());
      statement.setString(4, entry.object());
      statement.setString(5, entry.permission().wireName());
      statement.setString(6, entry.createdBy());
      Sql.setInstant(statement, 7, entry.createdAt());
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public Optional<AclEntry> find(Connection connection, long id) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT * FROM acl_entries WHERE id = ?")) {
      statement.setLong(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** Deletes the entry; false when there was none. */
  public boolean delete(Connection connection, long id) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM acl_entries WHERE id = ?")) {
      statement.setLong(1, id);
      return statement.executeUpdate() > 0;
    }
  }

  /** Every entry for the user {@code name} (lower case) or one of {@code groups}. */
  public List<AclEntry> forSubject(Connection connection, String name, Set<String> groups)
      throws SQLException {
    Array groupArray = connection.createArrayOf("text", groups.toArray());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT * FROM acl_entries"
                + " WHERE (subject_kind = 'user' AND subject = ?) OR (subject_kind = 'group' AND subject = ANY (?))")) {
      statement.setString(1, name);
      statement.setArray(2, groupArray);
      return readAll(statement);
    } finally {
      groupArray.free();
    }
  }

  /**
   * Entries filtered by object and subject (null: any), newest first, at most {@code limit}. {@code
   * vmUuid} matches entries on that VM and on each of {@code vmTags}.
   */
  public List<AclEntry> list(
      Connection connection, String vmUuid, Set<String> vmTags, String subject, int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT * FROM acl_entries WHERE TRUE");
    List<Object> parameters = new ArrayList<>();
    if (vmUuid != null) {
      sql.append(
          " AND ((object_kind = 'vm' AND object = ?) OR (object_kind = 'tag' AND object = ANY (?)))");
      parameters.add(vmUuid);
      parameters.add(connection.createArrayOf("text", vmTags.toArray()));
    }
    if (subject != null) {
      sql.append(
          " AND ((subject_kind = 'user' AND subject = ?) OR (subject_kind = 'group' AND subject = ?))");
      parameters.add(subject.toLowerCase(Locale.ROOT));
      parameters.add(subject);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    parameters.add(limit);
    try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      for (int i = 0; i < parameters.size(); i++) {
        statement.setObject(i + 1, parameters.get(i));
      }
      return readAll(statement);
    }
  }

  private static List<AclEntry> readAll(PreparedStatement statement) throws SQLException {
    List<AclEntry> entries = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        entries.add(read(rows));
      }
    }
    return entries;
  }

  private static AclEntry read(ResultSet row) throws SQLException {
    return new AclEntry(
        row.getLong("id"),
        AclEntry.SubjectKind.valueOf(row.getString("subject_kind").toUpperCase(Locale.ROOT)),
        row.getString("subject"),
        AclEntry.ObjectKind.valueOf(row.getString("object_kind").toUpperCase(Locale.ROOT)),
        row.getString("object"),
        Permission.parse(row.getString("permission")).orElseThrow(),
        row.getString("created_by"),
        Sql.getInstant(row, "created_at"));
  }
}
