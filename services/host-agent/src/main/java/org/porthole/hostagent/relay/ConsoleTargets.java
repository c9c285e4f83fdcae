package org.porthole.hostagent.relay;

import org.porthole.hostagent.AgentException;

/** Where a domain's VNC server can be reached from this host. */
@FunctionalInterface
public interface ConsoleTargets {

  /**
   * How to reach the domain's VNC server.
   *
   * @throws AgentException NOT_FOUND for an unknown domain, CONFLICT when it is not running or has
   *     no VNC graphics
   */
  VncTarget resolve(String vmUuid) throws AgentException;
}
