package org.porthole.engine.sso;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.CurrentCaller;
import org.porthole.engine.console.SessionRepository;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.engine.web.JsonBodies;
import org.porthole.engine.web.PathIds;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * REST: a VM's Kerberos SSO settings ({@code /api/v1/vms/{id}/sso}). GET for an admin of the VM;
 * PUT (set the SPN pin and/or the delegation policy) and DELETE (forget both: the next report pins
 * again) for porthole-admin only, because the SPN decides which key a user's ticket is encrypted
 * to, which a VM's ACL admin is not trusted with. Each change is audited with who made it, under
 * the VM's ticket lock so no ticket is issued meanwhile.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class SsoResource {

  private static final String PATH = "/vms/{id}/sso";

  private final Transactions transactions;
  private final SsoRepository repository;
  private final SessionRepository sessions;
  private final VmRepository vms;
  private final AccessEvaluator access;
  private final AuditLog audit;
  private final CurrentCaller callers;
  private final SsoConfig config;
  private final ObjectMapper json;
  private final Clock clock;

  @Inject
  public SsoResource(
      Transactions transactions,
      SsoRepository repository,
      SessionRepository sessions,
      VmRepository vms,
      AccessEvaluator access,
      AuditLog audit,
      CurrentCaller callers,
      SsoConfig config,
      ObjectMapper json,
      Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.sessions = sessions;
    this.vms = vms;
    this.access = access;
    this.audit = audit;
    this.callers = callers;
    this.config = config;
    this.json = json;
    this.clock = clock;
  }

  @GET
  @Path(PATH)
  public SsoView get(@PathParam("id") String rawVmId) throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawVmId);
    Caller caller = callers.get();
    return transactions.read(
        c -> {
          requireVm(c, vmId);
          access.require(c, caller, vmId, Permission.ADMIN);
          return view(c, vmId);
        });
  }

  @PUT
  @Path(PATH)
  public SsoView put(@PathParam("id") String rawVmId, String body) throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawVmId);
    Caller caller = requirePortholeAdmin();
    SsoRequest request = SsoRequest.valid(JsonBodies.parseOptional(json, body, SsoRequest.class));
    Instant now = clock.instant();
    return transactions.inTransaction(
        c -> {
          sessions.lockVm(c, vmId);
          requireVm(c, vmId);
          Optional<SsoSettings> before = repository.findForUpdate(c, vmId);
          if (request.spn() != null) {
            repository.pin(c, vmId, request.spn(), SsoSettings.ADMIN, caller.name(), now);
          }
          if (request.delegation() != null) {
            repository.setDelegation(c, vmId, request.delegation());
          }
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("spn", request.spn() == null ? "" : request.spn());
          detail.put("delegation", request.delegation() == null ? "" : request.delegation());
          detail.put("previousSpn", before.map(SsoSettings::spn).orElse(""));
          record(c, AuditKind.SSO_CHANGED, caller, vmId, now, "SSO settings of the VM set", detail);
          return view(c, vmId);
        });
  }

  @DELETE
  @Path(PATH)
  public SsoView forget(@PathParam("id") String rawVmId) throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawVmId);
    Caller caller = requirePortholeAdmin();
    Instant now = clock.instant();
    return transactions.inTransaction(
        c -> {
          sessions.lockVm(c, vmId);
          requireVm(c, vmId);
          Optional<SsoSettings> before = repository.findForUpdate(c, vmId);
          if (repository.forget(c, vmId)) {
            record(
                c,
                AuditKind.SSO_FORGOTTEN,
                caller,
                vmId,
                now,
                "SSO settings of the VM forgotten; the guest's next report pins again",
                Map.of("previousSpn", before.map(SsoSettings::spn).orElse("")));
          }
          return view(c, vmId);
        });
  }

  private void record(
      Connection c,
      String kind,
      Caller caller,
      UUID vmId,
      Instant at,
      String reason,
      Map<String, Object> detail)
      throws SQLException {
    audit.record(
        c,
        AuditRecord.of(
            kind, at, caller.name(), caller.clientAddress(), vmId, null, reason, detail));
  }

  private SsoView view(Connection c, UUID vmId) throws SQLException {
    return SsoView.of(vmId, repository.find(c, vmId), config.defaultDelegation());
  }

  private void requireVm(Connection c, UUID vmId) throws SQLException {
    vms.find(c, vmId).orElseThrow(() -> AccessEvaluator.notFound(vmId));
  }

  private Caller requirePortholeAdmin() {
    Caller caller = callers.get();
    if (!caller.admin()) {
      throw new PortholeException(
          PortholeStatus.FORBIDDEN,
          Caller.ADMIN_ROLE + " is required to change a VM's Kerberos SSO settings");
    }
    return caller;
  }
}
