package org.porthole.engine.inventory;

import java.util.UUID;

/** REST view of a VM: {@code {id, name, state, hostId, hostOnline, graphics}}. */
public record VmView(UUID id, String name, String state, String hostId, boolean hostOnline, GraphicsView graphics) {

    /** REST view of a VM's graphics; null in {@link VmView} when the VM has none. */
    public record GraphicsView(String type, boolean exposed, boolean passwordCapable) {
    }

    static VmView of(VmListing listing) {
        Vm vm = listing.vm();
        VmGraphics graphics = vm.graphics();
        GraphicsView view = graphics == null ? null
                : new GraphicsView(graphics.type(), graphics.exposed(), graphics.passwordCapable());
        return new VmView(vm.id(), vm.name(), vm.state().wireName(), vm.hostId(), listing.hostOnline(), view);
    }
}
