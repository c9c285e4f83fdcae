package org.porthole.engine.inventory;

import java.time.Instant;

/**
 * REST view of a host agent for porthole-admins: {@code {id, online, agentVersion, lastSeen,
 * vmCount}} ({@code lastSeen}: its last heartbeat or goodbye; {@code vmCount}: the VMs the engine
 * knows on it).
 */
public record HostView(
    String id, boolean online, String agentVersion, Instant lastSeen, int vmCount) {

  static HostView of(Host host, int vmCount) {
    return new HostView(host.id(), host.online(), host.agentVersion(), host.lastSeen(), vmCount);
  }
}
