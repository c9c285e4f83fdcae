package org.porthole.hostagent.libvirt;

import java.util.Optional;

/** One domain as the agent reports it: identity, state and (if any) its graphics device. */
public record DomainView(String uuid, String name, VmState state, Optional<GraphicsInfo> graphics) {

  public boolean running() {
    return state == VmState.RUNNING || state == VmState.PAUSED;
  }
}
