package org.porthole.hostagent.ticket;

import java.time.Instant;
import org.porthole.hostagent.AgentException;

/** Sets and expires one-time VNC passwords on running domains. */
public interface GraphicsTickets {

  /**
   * Sets {@code password} as the domain's VNC password for {@code validSeconds}.
   *
   * @return when the password stops working
   */
  Instant set(String vmUuid, String password, int validSeconds) throws AgentException;

  /**
   * Replaces the password with a random one nobody knows, already expired, whatever was set before
   * (no clock comparison: a clock step must never leave a password valid).
   */
  void expire(String vmUuid) throws AgentException;
}
