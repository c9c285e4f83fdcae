package org.porthole.engine.acl;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.auth.Caller;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * What a caller may do on VMs, read from the ACL rows and VM tags in the caller's transaction and
 * judged by {@link AccessRules}. Used by every endpoint that touches a VM.
 */
@ApplicationScoped
public class AccessEvaluator {

  private final AclRepository acls;
  private final TagRepository tags;

  @Inject
  public AccessEvaluator(AclRepository acls, TagRepository tags) {
    this.acls = acls;
    this.tags = tags;
  }

  /** The caller's permissions on one VM. */
  public Set<Permission> on(Connection connection, Caller caller, UUID vmId) throws SQLException {
    List<AclEntry> entries =
        caller.admin() ? List.of() : acls.forSubject(connection, caller.name(), caller.groups());
    return AccessRules.permissions(caller, vmId, tags.tagsOf(connection, vmId), entries);
  }

  /** The caller's permissions on each of {@code vmIds} (one read of the ACLs and tags for all). */
  public Map<UUID, Set<Permission>> onEach(
      Connection connection, Caller caller, Collection<UUID> vmIds) throws SQLException {
    List<AclEntry> entries =
        caller.admin() ? List.of() : acls.forSubject(connection, caller.name(), caller.groups());
    Map<UUID, Set<String>> vmTags = tags.tagsOf(connection, vmIds);
    Map<UUID, Set<Permission>> result = new HashMap<>();
    for (UUID vmId : vmIds) {
      result.put(
          vmId,
          AccessRules.permissions(caller, vmId, vmTags.getOrDefault(vmId, Set.of()), entries));
    }
    return result;
  }

  /**
   * Requires {@code needed} on the VM. A caller without even {@code console.view} is told the VM
   * does not exist (404), so VM ids cannot be probed; otherwise 403 naming the permission.
   */
  public Set<Permission> require(Connection connection, Caller caller, UUID vmId, Permission needed)
      throws SQLException {
    Set<Permission> held = on(connection, caller, vmId);
    if (!held.contains(Permission.CONSOLE_VIEW)) {
      throw notFound(vmId);
    }
    if (!held.contains(needed)) {
      throw forbidden(needed, vmId);
    }
    return held;
  }

  /**
   * Requires {@code needed} for a console of an existing VM, answering 403 naming the permission
   * even when the caller may not view the VM: the requester names the VM, and the refusal tells
   * them what to ask an admin for (issue 3). Only a signed-in user who already holds the VM's UUID
   * learns that it exists; unknown VMs stay 404 (checked before).
   */
  public Set<Permission> requireForConsole(
      Connection connection, Caller caller, UUID vmId, Permission needed) throws SQLException {
    Set<Permission> held = on(connection, caller, vmId);
    if (!held.contains(needed)) {
      throw forbidden(needed, vmId);
    }
    return held;
  }

  /**
   * True when the caller may manage ACLs on the tag (porthole-admin, or admin on the tag itself).
   */
  public boolean adminOfTag(Connection connection, Caller caller, String tag) throws SQLException {
    return caller.admin()
        || AccessRules.adminOfTag(
            caller, tag, acls.forSubject(connection, caller.name(), caller.groups()));
  }

  /** The 404 of a VM the caller may not see (the same as for an unknown VM). */
  public static PortholeException notFound(UUID vmId) {
    return new PortholeException(PortholeStatus.NOT_FOUND, "no VM " + vmId);
  }

  /** The 403 naming the missing permission. */
  public static PortholeException forbidden(Permission needed, UUID vmId) {
    return new PortholeException(
        PortholeStatus.FORBIDDEN, needed.wireName() + " is required on VM " + vmId);
  }
}
