package org.porthole.hostagent.bench;

import java.time.Instant;
import java.util.Set;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.GraphicsTickets;
import org.porthole.hostagent.ticket.SessionTickets;
import org.porthole.status.PortholeStatus;

/**
 * Tickets in benchmark mode: there is no VNC server to set a password on, so SetGraphicsTicket
 * is refused. The relays' own one-time passwords go to {@link #NO_PASSWORDS}: the benchmark
 * backend accepts any VNC Authentication response, while the relay's handshake runs as for a
 * real VM.
 */
public final class BenchmarkTickets implements SessionTickets {
  /** Sets and expires nothing: the benchmark backend has no password to check. */
  public static final GraphicsTickets NO_PASSWORDS = new GraphicsTickets() {
    @Override
    public Instant set(String vmUuid, String password, int validSeconds) {
      return Instant.now().plusSeconds(validSeconds);
    }

    @Override
    public void expire(String vmUuid, Instant usedAt) {
      // nothing was set
    }
  };

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
