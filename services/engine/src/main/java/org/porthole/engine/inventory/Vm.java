package org.porthole.engine.inventory;

import java.time.Instant;
import java.util.UUID;

/**
 * A VM in the engine's inventory (the stored entity, not a wire type).
 *
 * @param graphics null when the VM has no graphics device
 */
public record Vm(
    UUID id, String hostId, String name, VmState state, VmGraphics graphics, Instant updatedAt) {

  /** True when a console ticket can be set: running, with graphics started with password auth. */
  public boolean acceptsTickets() {
    return state == VmState.RUNNING && graphics != null && graphics.passwordCapable();
  }
}
