package org.porthole.engine.inventory;

import java.time.Instant;

/**
 * A host agent as the engine knows it from its heartbeats (the stored entity).
 *
 * @param id the agent's gRPC authority {@code host:port}
 * @param bootId random per agent start; a new one means the agent restarted
 * @param inventoryBootId the boot whose domains the engine has listed
 */
public record Host(
    String id,
    boolean online,
    String agentVersion,
    String bootId,
    String inventoryBootId,
    int heartbeatTimeoutSeconds,
    Instant lastSeen) {

  /** True when the engine must (re)list this host's domains. */
  public boolean needsInventory() {
    return online && !bootId.equals(inventoryBootId);
  }
}
