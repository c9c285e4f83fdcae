package org.porthole.engine.inventory;

/**
 * Fired (CDI event) after a host's domains were (re)learned: the host agent is new or restarted, so
 * whatever it held in memory for its VMs (console policies) must be given to it again.
 */
public record InventoryLearned(String hostId) {}
