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
   * Replaces the password with a random one nobody knows, already expired, unless a newer ticket
   * was set after {@code usedAt} (the login that used the old one): a reconnect's fresh ticket must
   * survive the expiry of the previous one.
   */
  void expire(String vmUuid, Instant usedAt) throws AgentException;
}
