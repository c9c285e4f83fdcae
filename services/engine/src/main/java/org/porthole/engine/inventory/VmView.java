package org.porthole.engine.inventory;

import java.util.UUID;

import org.porthole.engine.guest.GuestState;
import org.porthole.engine.guest.GuestViews;

/**
 * REST view of a VM: {@code {id, name, state, hostId, hostOnline, graphics, guest}}; {@code guest}
 * is what its guest agent last reported, null while none ever did.
 */
public record VmView(UUID id, String name, String state, String hostId, boolean hostOnline, GraphicsView graphics,
        GuestViews.StateView guest) {

    /** REST view of a VM's graphics; null in {@link VmView} when the VM has none. */
    public record GraphicsView(String type, boolean exposed, boolean passwordCapable) {
    }

    static VmView of(VmListing listing, GuestState guest) {
        Vm vm = listing.vm();
        VmGraphics graphics = vm.graphics();
        GraphicsView view = graphics == null ? null
                : new GraphicsView(graphics.type(), graphics.exposed(), graphics.passwordCapable());
        return new VmView(vm.id(), vm.name(), vm.state().wireName(), vm.hostId(), listing.hostOnline(), view,
                guest == null ? null : GuestViews.StateView.of(guest));
    }
}
