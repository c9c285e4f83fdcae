package org.porthole.engine.guest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.CurrentCaller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.engine.web.JsonBodies;
import org.porthole.engine.web.PathIds;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * REST: a VM's guest agent ({@code GET /api/v1/vms/{id}/guest}: state and recent disconnect
 * actions) and its console policy ({@code GET|PUT /api/v1/vms/{id}/console-policy}).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class GuestResource {

  /** Disconnect actions shown per VM. */
  static final int RECENT_ACTIONS = 20;

  private final Transactions transactions;
  private final GuestRepository guests;
  private final VmRepository vms;
  private final ConsolePolicyService policies;
  private final ObjectMapper json;
  private final AccessEvaluator access;
  private final CurrentCaller callers;

  @Inject
  public GuestResource(
      Transactions transactions,
      GuestRepository guests,
      VmRepository vms,
      ConsolePolicyService policies,
      ObjectMapper json,
      AccessEvaluator access,
      CurrentCaller callers) {
    this.access = access;
    this.callers = callers;
    this.transactions = transactions;
    this.guests = guests;
    this.vms = vms;
    this.policies = policies;
    this.json = json;
  }

  /** The guest agent's state and recent disconnect actions: admin on the VM. */
  @GET
  @Path("/vms/{id}/guest")
  public GuestViews.GuestView guest(@PathParam("id") String rawId) throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawId);
    Caller caller = callers.get();
    return transactions.read(
        c -> {
          if (vms.find(c, vmId).isEmpty()) {
            throw AccessEvaluator.notFound(vmId);
          }
          access.require(c, caller, vmId, Permission.ADMIN);
          Optional<GuestState> state = guests.findState(c, vmId);
          List<GuestViews.ActionView> actions =
              guests.recentActions(c, vmId, RECENT_ACTIONS).stream()
                  .map(GuestViews.ActionView::of)
                  .toList();
          return new GuestViews.GuestView(
              vmId, state.map(GuestViews.StateView::of).orElse(null), actions);
        });
  }

  /** The VM's console policy: readable with console.view. */
  @GET
  @Path("/vms/{id}/console-policy")
  public GuestViews.PolicyView policy(@PathParam("id") String rawId) throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawId);
    requireOn(vmId, Permission.CONSOLE_VIEW);
    return GuestViews.PolicyView.of(policies.get(vmId));
  }

  /** Changes the VM's console policy: admin on the VM; audited. */
  @PUT
  @Path("/vms/{id}/console-policy")
  public GuestViews.PolicyView setPolicy(@PathParam("id") String rawId, String body)
      throws SQLException {
    UUID vmId = PathIds.uuid("VM id", rawId);
    Caller caller = requireOn(vmId, Permission.ADMIN);
    ConsolePolicyRequest request = JsonBodies.parseOptional(json, body, ConsolePolicyRequest.class);
    if (request == null) {
      throw new PortholeException(
          PortholeStatus.BAD_REQUEST,
          "body required: {\"disconnectAction\":\"lock-screen\",\"graceMs\":2000,\"reconnectWindowSeconds\":120}");
    }
    return GuestViews.PolicyView.of(policies.set(caller, toPolicy(vmId, request)));
  }

  private Caller requireOn(UUID vmId, Permission needed) throws SQLException {
    Caller caller = callers.get();
    transactions.read(
        c -> {
          if (vms.find(c, vmId).isEmpty()) {
            throw AccessEvaluator.notFound(vmId);
          }
          return access.require(c, caller, vmId, needed);
        });
    return caller;
  }

  static ConsolePolicy toPolicy(UUID vmId, ConsolePolicyRequest r) {
    ConsolePolicy defaults = ConsolePolicy.defaults(vmId);
    DisconnectAction action =
        r.disconnectAction() == null
            ? defaults.disconnectAction()
            : DisconnectAction.parse(r.disconnectAction())
                .orElseThrow(
                    () ->
                        new PortholeException(
                            PortholeStatus.BAD_REQUEST,
                            "disconnectAction must be one of lock-screen, log-off, shutdown, reboot, none"));
    int grace = r.graceMs() == null ? defaults.graceMs() : r.graceMs();
    int window =
        r.reconnectWindowSeconds() == null
            ? defaults.reconnectWindowSeconds()
            : r.reconnectWindowSeconds();
    return new ConsolePolicy(vmId, action, grace, window);
  }
}
