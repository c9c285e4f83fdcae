package org.porthole.engine.console;

/**
 * Optional body of {@code POST /vms/{id}/consoles}: {@code {"channel":"vnc",
 * "mode":"interactive"|"view", "takeover":false, "sso":false}}; absent fields take those defaults.
 * {@code takeover:true} ends another user's console on the VM (needs console.takeover); {@code
 * sso:true} also grants Kerberos SSO into the guest (an interactive console only; needs
 * console.sso): the answer then carries the SSO channel's token too.
 */
public record ConsoleRequest(String channel, String mode, Boolean takeover, Boolean sso) {}
