package org.porthole.engine.audit;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.acl.Names;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.CurrentCaller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.VmListing;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.engine.web.QueryParams;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * REST: {@code GET /api/v1/audit?user=&vm=&session=&from=&to=&limit=&before=}, newest first, a page
 * of at most {@code limit} events; {@code before} (the last id of the previous page) asks for the
 * next older page. Each event carries its VM's current name. porthole-admin reads everything; an
 * admin of VMs reads the events of those VMs only.
 */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final Transactions transactions;
  private final AuditRepository audit;
  private final AccessEvaluator access;
  private final VmRepository vms;
  private final CurrentCaller callers;

  @Inject
  public AuditResource(
      Transactions transactions,
      AuditRepository audit,
      AccessEvaluator access,
      VmRepository vms,
      CurrentCaller callers) {
    this.transactions = transactions;
    this.audit = audit;
    this.access = access;
    this.vms = vms;
    this.callers = callers;
  }

  @GET
  public List<AuditView> query(
      @QueryParam("user") String rawUser,
      @QueryParam("vm") String rawVm,
      @QueryParam("session") String rawSession,
      @QueryParam("from") String rawFrom,
      @QueryParam("to") String rawTo,
      @QueryParam("limit") String rawLimit,
      @QueryParam("before") String rawBefore)
      throws SQLException {
    Caller caller = callers.get();
    String user = rawUser == null ? null : Names.require("user", rawUser).toLowerCase(Locale.ROOT);
    UUID vm = QueryParams.uuid("vm", rawVm);
    UUID session = QueryParams.uuid("session", rawSession);
    AuditQuery query =
        new AuditQuery(
            user,
            vm,
            session,
            QueryParams.instant("from", rawFrom),
            QueryParams.instant("to", rawTo),
            QueryParams.limit(rawLimit, DEFAULT_LIMIT, MAX_LIMIT),
            rawBefore == null ? null : QueryParams.id("before", rawBefore),
            null);
    return transactions.read(
        c -> {
          AuditQuery allowed = query;
          if (!caller.admin()) {
            if (vm != null) {
              access.require(c, caller, vm, Permission.ADMIN);
            } else {
              allowed = query.onlyOf(administeredVms(c, caller));
            }
          }
          return withVmNames(c, audit.query(c, allowed));
        });
  }

  /** The page's events with their VMs' names: one inventory read per distinct VM on the page. */
  private List<AuditView> withVmNames(Connection c, List<AuditRecord> records) throws SQLException {
    Map<UUID, String> names = new HashMap<>();
    for (AuditRecord r : records) {
      UUID id = r.vmUuid();
      if (id != null && !names.containsKey(id)) {
        names.put(id, vms.find(c, id).map(listing -> listing.vm().name()).orElse(null));
      }
    }
    return records.stream()
        .map(r -> AuditView.of(r, r.vmUuid() == null ? null : names.get(r.vmUuid())))
        .toList();
  }

  private Set<UUID> administeredVms(Connection c, Caller caller) throws SQLException {
    List<UUID> known = vms.list(c).stream().map(VmListing::vm).map(v -> v.id()).toList();
    Set<UUID> administered =
        access.onEach(c, caller, known).entrySet().stream()
            .filter(e -> e.getValue().contains(Permission.ADMIN))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    if (administered.isEmpty()) {
      throw new PortholeException(
          PortholeStatus.FORBIDDEN, "porthole-admin, or admin on a VM, is required");
    }
    return administered;
  }
}
