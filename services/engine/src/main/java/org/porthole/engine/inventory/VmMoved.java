package org.porthole.engine.inventory;

import java.util.UUID;

/**
 * Fired (CDI event) after the engine moved a VM to another host, both agents asked ({@link
 * ClaimedMoves}): a live migration ended. The old host's sessions of the VM are over (their QEMU is
 * gone) and the new host needs what the old one held for the VM (its console policy).
 */
public record VmMoved(UUID vmId, String fromHost, String toHost) {}
