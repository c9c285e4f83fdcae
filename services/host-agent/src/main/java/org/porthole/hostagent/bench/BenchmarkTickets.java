package org.porthole.hostagent.bench;

import java.time.Instant;
import java.util.Set;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.SessionTickets;
import org.porthole.status.PortholeStatus;

/** Tickets in benchmark mode: there is no VNC server to set a password on, so all are refused. */
public final class BenchmarkTickets implements SessionTickets {
  static final String REFUSAL =
      "this host agent runs in benchmark mode (no libvirt): it sets no graphics tickets";

  @Override
  public Instant set(String vmUuid, String password, int validSeconds) throws AgentException {
    throw new AgentException(PortholeStatus.CONFLICT, REFUSAL);
  }

  @Override
  public Instant set(String vmUuid, String password, int validSeconds, String sessionId)
      throws AgentException {
    return set(vmUuid, password, validSeconds);
  }

  /** No ticket is ever set here, so none is left to end. */
  @Override
  public boolean endSessions(String vmUuid, Set<String> sessionIds) {
    return false;
  }

  @Override
  public void expire(String vmUuid, Instant usedAt) throws AgentException {
    throw new AgentException(PortholeStatus.CONFLICT, REFUSAL);
  }
}
