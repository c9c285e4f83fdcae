package org.porthole.engine.inventory;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.porthole.engine.db.Transactions;
import org.porthole.engine.guest.GuestRepository;
import org.porthole.engine.guest.GuestState;
import org.porthole.engine.web.ApiException;
import org.porthole.engine.web.PathIds;
import org.porthole.status.PortholeStatus;

/** REST: the VM inventory and the host agents ({@code /api/v1/vms}, {@code /api/v1/hosts}). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class InventoryResource {

    private final Transactions transactions;
    private final VmRepository vms;
    private final HostRepository hosts;
    private final GuestRepository guests;

    @Inject
    public InventoryResource(Transactions transactions, VmRepository vms, HostRepository hosts,
            GuestRepository guests) {
        this.transactions = transactions;
        this.vms = vms;
        this.hosts = hosts;
        this.guests = guests;
    }

    @GET
    @Path("/vms")
    public List<VmView> listVms() throws SQLException {
        return transactions.read(c -> {
            Map<UUID, GuestState> states = guests.allStates(c);
            return vms.list(c).stream().map(l -> VmView.of(l, states.get(l.vm().id()))).toList();
        });
    }

    @GET
    @Path("/vms/{id}")
    public VmView getVm(@PathParam("id") String rawId) throws SQLException {
        UUID id = PathIds.uuid("VM id", rawId);
        return transactions.read(c -> {
            Optional<VmListing> listing = vms.find(c, id);
            return listing.isEmpty() ? Optional.<VmView>empty()
                    : Optional.of(VmView.of(listing.get(), guests.findState(c, id).orElse(null)));
        }).orElseThrow(() -> new ApiException(PortholeStatus.NOT_FOUND, "no VM " + id));
    }

    @GET
    @Path("/hosts")
    public List<HostView> listHosts() throws SQLException {
        return transactions.read(hosts::list).stream().map(HostView::of).toList();
    }
}
