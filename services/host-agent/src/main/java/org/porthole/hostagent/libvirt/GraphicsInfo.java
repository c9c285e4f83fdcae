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
 */
public record GraphicsInfo(
    String type,
    List<String> listenAddresses,
    int port,
    String socket,
    boolean exposed,
    boolean passwordCapable) {

  public GraphicsInfo {
    listenAddresses = List.copyOf(listenAddresses);
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
