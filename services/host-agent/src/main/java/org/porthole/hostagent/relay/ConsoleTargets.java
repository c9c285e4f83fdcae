package org.porthole.hostagent.relay;

import java.net.SocketAddress;
import org.porthole.hostagent.AgentException;

/** Where a domain's VNC server can be reached from this host. */
@FunctionalInterface
public interface ConsoleTargets {

  /**
   * A TCP address or a unix socket address of the domain's VNC server.
   *
   * @throws AgentException NOT_FOUND for an unknown domain, CONFLICT when it is not running or has
   *     no VNC graphics
   */
  SocketAddress resolve(String vmUuid) throws AgentException;
}
