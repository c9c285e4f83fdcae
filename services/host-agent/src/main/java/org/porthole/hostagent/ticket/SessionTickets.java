package org.porthole.hostagent.ticket;

import java.time.Instant;
import java.util.Set;
import org.porthole.hostagent.AgentException;

/**
 * Graphics tickets that remember which console session each was set for, so that ending a
 * session (EndConsoles: a takeover, a revoked permission) also ends its ticket: an unused
 * one-time password must not outlive the right to use it.
 */
public interface SessionTickets extends GraphicsTickets {

  /** {@link #set(String, String, int)} for the console session {@code sessionId}. */
  Instant set(String vmUuid, String password, int validSeconds, String sessionId)
      throws AgentException;

  /**
   * Forgets the VM's ticket when it was set for one of {@code sessionIds}, so that it is never
   * re-armed for a reconnect, and expires it in QEMU when it still opens the console (not yet
   * used, or re-armed after a disconnect).
   *
   * @return true when such a ticket still worked and was expired
   */
  boolean endSessions(String vmUuid, Set<String> sessionIds) throws AgentException;
}
