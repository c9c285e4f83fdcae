package org.porthole.engine.console;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.CurrentCaller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.Vm;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.engine.web.PathIds;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * REST: a porthole-admin's opt-in for consoles of a VM whose VNC listens beyond loopback ({@code
 * /api/v1/vms/{id}/exposed-consoles}: GET, PUT allows, DELETE withdraws). Such a VM is reachable
 * around Porthole, so it gets no tickets until someone answerable decided it may; each change is
 * audited with who made it. A withdrawal ends the VM's live consoles (closed {@code revoked},
 * audited) and refuses new tickets from then on.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ExposureResource {

  /**
   * {@code {vmId, exposed, allowed, allowedBy, allowedAt}}; {@code exposed} false when the VM has
   * no graphics.
   */
  public record ExposureView(
      UUID vmId, boolean exposed, boolean allowed, String allowedBy, Instant allowedAt) {}

  private static final String PATH = "/vms/{id}/exposed-consoles";

  private final Transactions transactions;
  private final SessionRepository sessions;
  private final ConsoleEnder ender;
  private final ExposureRepository exposure;
  private final VmRepository vms;
  private final AuditLog audit;
  private final CurrentCaller callers;
  private final Clock clock;

  @Inject
  public ExposureResource(
      Transactions transactions,
      SessionRepository sessions,
      ConsoleEnder ender,
      ExposureRepository exposure,
      VmRepository vms,
      AuditLog audit,
      CurrentCaller callers,
      Clock clock) {
    this.transactions = transactions;
    this.sessions = sessions;
    this.ender = ender;
    this.exposure = exposure;
    this.vms = vms;
    this.audit = audit;
    this.callers = callers;
    this.clock = clock;
  }

  @GET
  @Path(PATH)
  public ExposureView get(@PathParam("id") String rawVmId) throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawVmId);
    requireAdmin(callers.get());
    return transactions.read(
        c ->
            view(
                vms.find(c, vmId).orElseThrow(() -> AccessEvaluator.notFound(vmId)).vm(),
                exposure.find(c, vmId)));
  }

  @PUT
  @Path(PATH)
  public ExposureView allow(@PathParam("id") String rawVmId) throws SQLException {
    return change(PathIds.uuid("VM id", rawVmId), true);
  }

  @DELETE
  @Path(PATH)
  public ExposureView withdraw(@PathParam("id") String rawVmId) throws SQLException {
    return change(PathIds.uuid("VM id", rawVmId), false);
  }

  private ExposureView change(UUID vmId, boolean allow) throws SQLException {
    Caller caller = callers.get();
    requireAdmin(caller);
    Instant now = clock.instant();
    return transactions.inTransaction(
        c -> {
          sessions.lockVm(c, vmId);
          Vm vm = vms.find(c, vmId).orElseThrow(() -> AccessEvaluator.notFound(vmId)).vm();
          boolean changed =
              allow ? exposure.optIn(c, vmId, caller.name(), now) : exposure.optOut(c, vmId);
          if (changed) {
            audit.record(
                c,
                AuditRecord.of(
                    allow ? AuditKind.EXPOSED_ALLOWED : AuditKind.EXPOSED_DISALLOWED,
                    now,
                    caller.name(),
                    caller.clientAddress(),
                    vmId,
                    null,
                    allow
                        ? "consoles of an exposed VM allowed"
                        : "consoles of an exposed VM no longer allowed",
                    Map.of("exposed", isExposed(vm))));
            if (!allow && isExposed(vm)) {
              endLiveConsoles(c, vm, caller, now);
            }
          }
          return view(vm, exposure.find(c, vmId));
        });
  }

  /**
   * A withdrawn opt-in ends the VM's live consoles too (as a revoked ACL does), under the VM's
   * ticket lock so none is issued meanwhile. When the agent cannot be told, nothing changes (503).
   */
  private void endLiveConsoles(Connection c, Vm vm, Caller caller, Instant now)
      throws SQLException {
    List<ConsoleSession> live = sessions.liveOnVm(c, vm.id(), now);
    if (live.isEmpty()) {
      return;
    }
    String reason = "consoles of this VM are no longer allowed: its VNC listens beyond loopback";
    try {
      ender.end(
          vm.hostId(),
          vm.id(),
          live.stream().map(ConsoleSession::id).toList(),
          PortholeStatus.FORBIDDEN,
          reason);
    } catch (AgentCallException e) {
      throw new PortholeException(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "the live consoles of VM "
              + vm.id()
              + " could not be ended (its host agent did not answer); nothing changed");
    }
    for (ConsoleSession session : live) {
      if (sessions.markEnded(c, session.id(), now, Revocation.CLOSE_REASON)) {
        audit.record(
            c,
            AuditRecord.of(
                AuditKind.REVOKED,
                now,
                caller.name(),
                caller.clientAddress(),
                vm.id(),
                session.id(),
                reason,
                Map.of("owner", session.owner(), "mode", session.mode().wireName())));
      }
    }
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.admin()) {
      throw new PortholeException(
          PortholeStatus.FORBIDDEN,
          Caller.ADMIN_ROLE
              + " is required to allow consoles"
              + " of VMs whose VNC listens beyond loopback");
    }
  }

  private static boolean isExposed(Vm vm) {
    return vm.graphics() != null && vm.graphics().exposed();
  }

  private static ExposureView view(Vm vm, Optional<ExposureRepository.OptIn> optIn) {
    return new ExposureView(
        vm.id(),
        isExposed(vm),
        optIn.isPresent(),
        optIn.map(ExposureRepository.OptIn::by).orElse(null),
        optIn.map(ExposureRepository.OptIn::at).orElse(null));
  }
}
