package org.porthole.engine.inventory;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.CurrentCaller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.guest.GuestRepository;
import org.porthole.engine.guest.GuestState;
import org.porthole.engine.web.PathIds;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/** REST: the VM inventory and the host agents ({@code /api/v1/vms}, {@code /api/v1/hosts}). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class InventoryResource {

  private final Transactions transactions;
  private final VmRepository vms;
  private final HostRepository hosts;
  private final GuestRepository guests;
  private final AccessEvaluator access;
  private final CurrentCaller callers;

  @Inject
  public InventoryResource(
      Transactions transactions,
      VmRepository vms,
      HostRepository hosts,
      GuestRepository guests,
      AccessEvaluator access,
      CurrentCaller callers) {
    this.transactions = transactions;
    this.vms = vms;
    this.hosts = hosts;
    this.guests = guests;
    this.access = access;
    this.callers = callers;
  }

  /** The VMs the caller may at least view, each with the caller's permissions on it. */
  @GET
  @Path("/vms")
  public List<VmView> listVms() throws SQLException {
    Caller caller = callers.get();
    return transactions.read(
        c -> {
          Map<UUID, GuestState> states = guests.allStates(c);
          List<VmListing> all = vms.list(c);
          Map<UUID, Set<Permission>> permissions =
              access.onEach(c, caller, all.stream().map(l -> l.vm().id()).toList());
          return all.stream()
              .filter(l -> permissions.get(l.vm().id()).contains(Permission.CONSOLE_VIEW))
              .map(l -> VmView.of(l, states.get(l.vm().id()), permissions.get(l.vm().id())))
              .toList();
        });
  }

  /** One VM; 404 when unknown or when the caller may not even view it. */
  @GET
  @Path("/vms/{id}")
  public VmView getVm(@PathParam("id") String rawId) throws SQLException {
    UUID id = PathIds.uuid("VM id", rawId);
    Caller caller = callers.get();
    return transactions.read(
        c -> {
          VmListing listing = vms.find(c, id).orElseThrow(() -> AccessEvaluator.notFound(id));
          Set<Permission> permissions = access.require(c, caller, id, Permission.CONSOLE_VIEW);
          return VmView.of(listing, guests.findState(c, id).orElse(null), permissions);
        });
  }

  /**
   * Every host agent with its VM count; porthole-admin only (host names and versions are estate
   * facts).
   */
  @GET
  @Path("/hosts")
  public List<HostView> listHosts() throws SQLException {
    if (!callers.get().admin()) {
      throw new PortholeException(
          PortholeStatus.FORBIDDEN, Caller.ADMIN_ROLE + " is required to list hosts");
    }
    return transactions.read(
        c -> {
          Map<String, Integer> counts = vms.countByHost(c);
          return hosts.list(c).stream()
              .map(h -> HostView.of(h, counts.getOrDefault(h.id(), 0)))
              .toList();
        });
  }
}
