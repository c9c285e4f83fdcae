package org.porthole.hostagent.libvirt;

import java.util.List;

/**
 * A domain's graphics device as libvirt describes it.
 *
 * @param type "vnc", "spice", ...
 * @param listenAddresses every TCP address QEMU listens on (empty for a unix socket)
 * @param port the live TCP port, 0 when not running or on a unix socket
 * @param socket the unix socket path, empty when listening on TCP
 * @param exposed true when any listen address is beyond loopback
 * @param passwordCapable true when the domain carries a graphics password (QEMU was started with
 *     password auth, so tickets can be set)
 * @param index the device's position among the domain's graphics devices (libvirt's {@code idx} of
 *     {@code virDomainOpenGraphics})
 */
public record GraphicsInfo(
    String type,
    List<String> listenAddresses,
    int port,
    String socket,
    boolean exposed,
    boolean passwordCapable,
    int index) {

  public GraphicsInfo {
    listenAddresses = List.copyOf(listenAddresses);
  }

  /** The domain's first (or only) graphics device. */
  public GraphicsInfo(
      String type,
      List<String> listenAddresses,
      int port,
      String socket,
      boolean exposed,
      boolean passwordCapable) {
    this(type, listenAddresses, port, socket, exposed, passwordCapable, 0);
  }

  /** The first listen address, or "" for a unix socket. */
  public String listen() {
    return listenAddresses.isEmpty() ? "" : listenAddresses.get(0);
  }

  public boolean isVnc() {
    return "vnc".equals(type);
  }

  public boolean isUnixSocket() {
    return !socket.isEmpty();
  }
}
