package org.porthole.hostagent.relay;

import java.net.SocketAddress;

/** How a relay reaches a domain's VNC server. */
public sealed interface VncTarget {

  /**
   * A listener the agent connects to itself: QEMU's TCP port on this host (or, in tests and the
   * benchmark, a stand-in's socket).
   */
  record Listener(SocketAddress address) implements VncTarget {}

  /**
   * A server reached through libvirt: QEMU's unix socket is never opened; each relay's connection
   * is handed to QEMU by {@code handoffs} ({@code graphicsIndex}: the device's position among the
   * domain's graphics devices).
   */
  record Handoff(VncHandoffs handoffs, String vmUuid, int graphicsIndex) implements VncTarget {}
}
