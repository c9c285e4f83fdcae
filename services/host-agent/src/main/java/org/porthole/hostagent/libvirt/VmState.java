package org.porthole.hostagent.libvirt;

import org.libvirt.DomainInfo.DomainState;

/** A domain's run state, reduced to what Porthole shows and decides on. */
public enum VmState {
  RUNNING,
  PAUSED,
  SHUTOFF,
  CRASHED,
  SUSPENDED,
  OTHER;

  /** Maps libvirt's state; BLOCKED is a running domain waiting on I/O. */
  public static VmState of(DomainState state) {
    if (state == null) {
      return OTHER;
    }
    return switch (state) {
      case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> RUNNING;
      case VIR_DOMAIN_PAUSED -> PAUSED;
      case VIR_DOMAIN_SHUTOFF -> SHUTOFF;
      case VIR_DOMAIN_CRASHED -> CRASHED;
      case VIR_DOMAIN_SHUTDOWN -> RUNNING;
      default -> OTHER;
    };
  }
}
