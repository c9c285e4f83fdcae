package org.porthole.engine.inventory;

/**
 * A VM's graphics device as far as consoles care.
 *
 * @param type {@code vnc}
 * @param exposed listens beyond loopback: reachable around Porthole
 * @param passwordCapable started with password authentication, so tickets work
 */
public record VmGraphics(String type, boolean exposed, boolean passwordCapable) {}
