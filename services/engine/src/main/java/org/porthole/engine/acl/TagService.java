package org.porthole.engine.acl;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * A VM's tags: read with console.view, changed with admin on the VM. Each change is audited in its
 * transaction; a removal re-judges live consoles (a tag ACL may have been their only grant).
 */
@ApplicationScoped
public class TagService {

  private final Transactions transactions;
  private final TagRepository tags;
  private final VmRepository vms;
  private final AccessEvaluator access;
  private final AuditLog audit;
  private final AclChanges changes;
  private final Clock clock;

  @Inject
  public TagService(
      Transactions transactions,
      TagRepository tags,
      VmRepository vms,
      AccessEvaluator access,
      AuditLog audit,
      AclChanges changes,
      Clock clock) {
    this.transactions = transactions;
    this.tags = tags;
    this.vms = vms;
    this.access = access;
    this.audit = audit;
    this.changes = changes;
    this.clock = clock;
  }

  public Set<String> list(Caller caller, UUID vmId) throws SQLException {
    return transactions.read(
        c -> {
          requireOn(c, caller, vmId, Permission.CONSOLE_VIEW);
          return tags.tagsOf(c, vmId);
        });
  }

  /** Adds the tag (no-op when present); returns the VM's tags. */
  public Set<String> add(Caller caller, UUID vmId, String rawTag) throws SQLException {
    String tag = Names.require("tag", rawTag);
    Instant now = clock.instant();
    return transactions.inTransaction(
        c -> {
          requireOn(c, caller, vmId, Permission.ADMIN);
          if (tags.add(c, vmId, tag)) {
            audit.record(c, record(AuditKind.TAG_ADDED, caller, vmId, tag, now));
          }
          return tags.tagsOf(c, vmId);
        });
  }

  /**
   * Removes the tag (404 when the VM does not carry it), then ends consoles it no longer allows.
   */
  public void remove(Caller caller, UUID vmId, String rawTag) throws SQLException {
    String tag = Names.require("tag", rawTag);
    Instant now = clock.instant();
    transactions.inTransaction(
        c -> {
          requireOn(c, caller, vmId, Permission.ADMIN);
          if (!tags.remove(c, vmId, tag)) {
            throw new PortholeException(
                PortholeStatus.NOT_FOUND, "VM " + vmId + " has no tag " + tag);
          }
          audit.record(c, record(AuditKind.TAG_REMOVED, caller, vmId, tag, now));
          return null;
        });
    changes.changed();
  }

  private void requireOn(Connection c, Caller caller, UUID vmId, Permission needed)
      throws SQLException {
    if (vms.find(c, vmId).isEmpty()) {
      throw AccessEvaluator.notFound(vmId);
    }
    access.require(c, caller, vmId, needed);
  }

  private static AuditRecord record(String kind, Caller caller, UUID vmId, String tag, Instant at) {
    return AuditRecord.of(
        kind,
        at,
        caller.name(),
        caller.clientAddress(),
        vmId,
        null,
        "tag " + tag,
        Map.of("tag", tag));
  }
}
