package org.porthole.engine.inventory;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.guest.GuestState;
import org.porthole.engine.guest.GuestViews;

/**
 * REST view of a VM: {@code {id, name, state, hostId, hostOnline, graphics, guest, permissions}};
 * {@code guest} is what its guest agent last reported, null while none ever did; {@code
 * permissions} what the caller may do on it (console.view, console.connect, console.takeover,
 * console.sso, admin).
 */
public record VmView(
    UUID id,
    String name,
    String state,
    String hostId,
    boolean hostOnline,
    GraphicsView graphics,
    GuestViews.StateView guest,
    List<String> permissions) {

  /** REST view of a VM's graphics; null in {@link VmView} when the VM has none. */
  public record GraphicsView(String type, boolean exposed, boolean passwordCapable) {}

  static VmView of(VmListing listing, GuestState guest, Set<Permission> permissions) {
    Vm vm = listing.vm();
    VmGraphics graphics = vm.graphics();
    GraphicsView view =
        graphics == null
            ? null
            : new GraphicsView(graphics.type(), graphics.exposed(), graphics.passwordCapable());
    return new VmView(
        vm.id(),
        vm.name(),
        vm.state().wireName(),
        vm.hostId(),
        listing.hostOnline(),
        view,
        guest == null ? null : GuestViews.StateView.of(guest),
        permissions.stream().sorted().map(Permission::wireName).toList());
  }
}
