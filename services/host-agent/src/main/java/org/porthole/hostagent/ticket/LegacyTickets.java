package org.porthole.hostagent.ticket;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.AgentException;

/**
 * Tickets set by {@code SetGraphicsTicket} until the engine uses PrepareConsole everywhere:
 * every change goes through the VM's password turn, so a ticket never lands inside a relay's
 * own set-authenticate-expire. Remembers (memory only, never logged) which session each VM's
 * last ticket was for, so that EndConsoles of that session expires it. Nothing is ever re-armed.
 */
public final class LegacyTickets implements SessionTickets {
  private static final Logger LOG = Logger.getLogger(LegacyTickets.class.getName());

  private final GraphicsTickets tickets;
  private final PasswordTurns turns;
  private final Clock clock;
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /** A ticket's session and the end of its validity. */
  private record Held(String sessionId, Instant validTo) {}

  public LegacyTickets(GraphicsTickets tickets, PasswordTurns turns, Clock clock) {
    this.tickets = tickets;
    this.turns = turns;
    this.clock = clock;
  }

  @Override
  public Instant set(String vmUuid, String password, int validSeconds) throws AgentException {
    return set(vmUuid, password, validSeconds, "");
  }

  @Override
  public Instant set(String vmUuid, String password, int validSeconds, String sessionId)
      throws AgentException {
    TicketRules.validate(password, validSeconds);
    Instant until = turns.run(vmUuid, () -> tickets.set(vmUuid, password, validSeconds));
    held.put(key(vmUuid), new Held(sessionId, until));
    return until;
  }

  @Override
  public void expire(String vmUuid, Instant usedAt) throws AgentException {
    turns.run(vmUuid, () -> {
      tickets.expire(vmUuid, usedAt);
      return null;
    });
  }

  /** Expires the VM's ticket when it was one of the sessions'; true when it still worked. */
  @Override
  public boolean endSessions(String vmUuid, Set<String> sessionIds) {
    String vm = key(vmUuid);
    Held h = held.get(vm);
    if (h == null || !sessionIds.contains(h.sessionId()) || !held.remove(vm, h)) {
      return false;
    }
    try {
      turns.expire(vm);
    } catch (AgentException e) {
      LOG.log(Level.INFO, "cannot expire the ticket of ended session {0} on domain {1}: {2}",
          new Object[] {h.sessionId(), vm, e.getMessage()});
      return false;
    }
    return h.validTo().isAfter(clock.instant());
  }

  private static String key(String vmUuid) {
    return vmUuid.trim().toLowerCase(Locale.ROOT);
  }
}
