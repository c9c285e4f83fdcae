package org.porthole.engine.acl;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.porthole.engine.db.Sql;

/** JDBC access to {@code vm_tags}. Stateless: callers pass the connection. */
@ApplicationScoped
public class TagRepository {

  /** The VM's tags, sorted. */
  public Set<String> tagsOf(Connection connection, UUID vmId) throws SQLException {
    return tagsOf(connection, Set.of(vmId)).getOrDefault(vmId, new TreeSet<>());
  }

  /** The tags of each of {@code vmIds} (VMs without tags are absent). */
  public Map<UUID, Set<String>> tagsOf(Connection connection, Collection<UUID> vmIds)
      throws SQLException {
    Map<UUID, Set<String>> tags = new HashMap<>();
    Array ids = connection.createArrayOf("uuid", vmIds.toArray());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT vm_uuid, tag FROM vm_tags WHERE vm_uuid = ANY (?) ORDER BY tag")) {
      statement.setArray(1, ids);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tags.computeIfAbsent(Sql.getUuid(rows, "vm_uuid"), id -> new TreeSet<>())
              .add(rows.getString("tag"));
        }
      }
    } finally {
      ids.free();
    }
    return tags;
  }

  /** Adds the tag; false when the VM had it already. */
  public boolean add(Connection connection, UUID vmId, String tag) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO vm_tags (vm_uuid, tag) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      statement.setObject(1, vmId);
      statement.setString(2, tag);
      return statement.executeUpdate() > 0;
    }
  }

  /** Removes the tag; false when the VM did not have it. */
  public boolean remove(Connection connection, UUID vmId, String tag) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("DELETE FROM vm_tags WHERE vm_uuid = ? AND tag = ?")) {
      statement.setObject(1, vmId);
      statement.setString(2, tag);
      return statement.executeUpdate() > 0;
    }
  }
}
