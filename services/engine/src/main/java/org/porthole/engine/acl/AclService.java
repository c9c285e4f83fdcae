package org.porthole.engine.acl;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.db.Transactions;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Manages ACL entries: who may read and change them (porthole-admin, or admin on the entry's
 * object), each change audited in its transaction, and live consoles re-judged after a deletion.
 */
@ApplicationScoped
public class AclService {

  /** The most entries one listing returns. */
  public static final int MAX_LIST = 1000;

  private final Transactions transactions;
  private final AclRepository acls;
  private final TagRepository tags;
  private final AccessEvaluator access;
  private final AuditLog audit;
  private final AclChanges changes;
  private final Clock clock;

  @Inject
  public AclService(
      Transactions transactions,
      AclRepository acls,
      TagRepository tags,
      AccessEvaluator access,
      AuditLog audit,
      AclChanges changes,
      Clock clock) {
    this.transactions = transactions;
    this.acls = acls;
    this.tags = tags;
    this.access = access;
    this.audit = audit;
    this.changes = changes;
    this.clock = clock;
  }

  /** Entries the caller administers, filtered by VM (its own and its tags' entries) and subject. */
  public List<AclEntry> list(Caller caller, UUID vmId, String subject) throws SQLException {
    return transactions.read(
        c -> {
          Set<String> vmTags = Set.of();
          if (vmId != null) {
            requireAdminOfVm(c, caller, vmId);
            vmTags = tags.tagsOf(c, vmId);
          }
          List<AclEntry> found =
              acls.list(c, vmId == null ? null : vmId.toString(), vmTags, subject, MAX_LIST);
          if (caller.admin() || vmId != null) {
            return found;
          }
          return administered(c, caller, found);
        });
  }

  /** Creates the entry; 409 when the same grant exists. */
  public AclEntry create(Caller caller, AclRequest request) throws SQLException {
    Instant now = clock.instant();
    AclEntry wanted = AclRequests.toEntry(request, caller.name(), now);
    return transactions.inTransaction(
        c -> {
          requireAdminOf(c, caller, wanted);
          AclEntry created =
              acls.insert(c, wanted)
                  .orElseThrow(
                      () ->
                          new PortholeException(
                              PortholeStatus.CONFLICT, "the same ACL entry exists already"));
          audit.record(c, record(AuditKind.ACL_CREATED, caller, created, now));
          return created;
        });
  }

  /** Deletes the entry, then ends the live consoles it no longer allows. */
  public void delete(Caller caller, long id) throws SQLException {
    Instant now = clock.instant();
    transactions.inTransaction(
        c -> {
          AclEntry entry = acls.find(c, id).orElseThrow(() -> noEntry(id));
          if (!isAdminOf(c, caller, entry)) {
            throw noEntry(id);
          }
          acls.delete(c, id);
          audit.record(c, record(AuditKind.ACL_DELETED, caller, entry, now));
          return null;
        });
    changes.changed();
  }

  private List<AclEntry> administered(Connection c, Caller caller, List<AclEntry> entries)
      throws SQLException {
    Map<String, Boolean> memo = new HashMap<>();
    List<AclEntry> visible = new ArrayList<>();
    for (AclEntry entry : entries) {
      String key = entry.objectKind() + ":" + entry.object();
      Boolean admin = memo.get(key);
      if (admin == null) {
        admin = isAdminOf(c, caller, entry);
        memo.put(key, admin);
      }
      if (admin) {
        visible.add(entry);
      }
    }
    return visible;
  }

  private boolean isAdminOf(Connection c, Caller caller, AclEntry entry) throws SQLException {
    if (entry.objectKind() == AclEntry.ObjectKind.TAG) {
      return access.adminOfTag(c, caller, entry.object());
    }
    return access.on(c, caller, UUID.fromString(entry.object())).contains(Permission.ADMIN);
  }

  private void requireAdminOf(Connection c, Caller caller, AclEntry entry) throws SQLException {
    if (entry.objectKind() == AclEntry.ObjectKind.VM) {
      requireAdminOfVm(c, caller, UUID.fromString(entry.object()));
    } else if (!access.adminOfTag(c, caller, entry.object())) {
      throw new PortholeException(
          PortholeStatus.FORBIDDEN, "admin is required on tag " + entry.object());
    }
  }

  private void requireAdminOfVm(Connection c, Caller caller, UUID vmId) throws SQLException {
    access.require(c, caller, vmId, Permission.ADMIN);
  }

  private static PortholeException noEntry(long id) {
    return new PortholeException(PortholeStatus.NOT_FOUND, "no ACL entry " + id);
  }

  private static AuditRecord record(String kind, Caller caller, AclEntry entry, Instant at) {
    UUID vm = entry.objectKind() == AclEntry.ObjectKind.VM ? UUID.fromString(entry.object()) : null;
    return AuditRecord.of(
        kind,
        at,
        caller.name(),
        caller.clientAddress(),
        vm,
        null,
        entry.permission().wireName()
            + " for "
            + entry.subjectKind().wireName()
            + " "
            + entry.subject()
            + " on "
            + entry.objectKind().wireName()
            + " "
            + entry.object(),
        Map.of(
            "aclId",
            entry.id(),
            "subjectKind",
            entry.subjectKind().wireName(),
            "subject",
            entry.subject(),
            "objectKind",
            entry.objectKind().wireName(),
            "object",
            entry.object(),
            "permission",
            entry.permission().wireName()));
  }
}
