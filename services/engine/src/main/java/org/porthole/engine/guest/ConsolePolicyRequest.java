package org.porthole.engine.guest;

/**
 * Body of {@code PUT /vms/{id}/console-policy}: {@code
 * {"disconnectAction":"lock-screen","graceMs":2000,"reconnectWindowSeconds":120}}; an absent field
 * keeps its default.
 */
public record ConsolePolicyRequest(
    String disconnectAction, Integer graceMs, Integer reconnectWindowSeconds) {}
