package org.porthole.hostagent.bench;

import java.time.Instant;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.GraphicsTickets;
import org.porthole.status.PortholeStatus;

/** Tickets in benchmark mode: there is no VNC server to set a password on, so all are refused. */
public final class BenchmarkTickets implements GraphicsTickets {
  static final String REFUSAL =
      "this host agent runs in benchmark mode (no libvirt): it sets no graphics tickets";

  @Override
  public Instant set(String vmUuid, String password, int validSeconds) throws AgentException {
    throw new AgentException(PortholeStatus.CONFLICT, REFUSAL);
  }

  @Override
  public void expire(String vmUuid, Instant usedAt) throws AgentException {
    throw new AgentException(PortholeStatus.CONFLICT, REFUSAL);
  }
}
