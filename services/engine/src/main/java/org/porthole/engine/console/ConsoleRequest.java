package org.porthole.engine.console;

/**
 * Optional body of {@code POST /vms/{id}/consoles}: {@code {"channel":"vnc",
 * "mode":"interactive"|"view", "takeover":false}}; absent fields take those defaults. {@code
 * takeover:true} ends another user's console on the VM (needs console.takeover).
 */
public record ConsoleRequest(String channel, String mode, Boolean takeover) {}
