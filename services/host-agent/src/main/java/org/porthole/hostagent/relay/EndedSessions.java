package org.porthole.hostagent.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.TicketRules;
import org.porthole.status.PortholeStatus;

/**
 * Console sessions the engine ended (EndConsoles: a takeover, a revoked permission), kept for
 * {@link #REMEMBER} so that a token of such a session, which lives at most {@link
 * TicketRules#MAX_SECONDS}, can no longer open a console. Memory only: after an agent restart every
 * older token is refused anyway (issued before the process started, see {@link ConsoleAuthorizer}).
 *
 * <p>Thread-safe; {@link ConsoleRelays} also locks this object to bind a console to its session, so
 * that an EndConsoles either sees that console or the console sees the ended session.
 */
public final class EndedSessions {
  /** Longer than any token lives ({@link TicketRules#MAX_SECONDS}), with room for clock skew. */
  static final Duration REMEMBER = Duration.ofSeconds(TicketRules.MAX_SECONDS).plusMinutes(2);

  /** A bound on memory: 256 ids per call would need 390 calls at once to fill it. */
  static final int MAX_SESSIONS = 100_000;

  private final Clock clock;
  private final Map<String, Instant> until = new HashMap<>();

  public EndedSessions(Clock clock) {
    this.clock = clock;
  }

  /** Remembers {@code sessionIds} of {@code vmUuid} as ended; OVERLOADED when full. */
  public synchronized void add(String vmUuid, Collection<String> sessionIds) throws AgentException {
    Instant now = clock.instant();
    until.values().removeIf(t -> !t.isAfter(now));
    if (until.size() + sessionIds.size() > MAX_SESSIONS) {
      throw new AgentException(
          PortholeStatus.OVERLOADED,
          "more than "
              + MAX_SESSIONS
              + " console sessions ended in the last "
              + REMEMBER.toSeconds()
              + " s");
    }
    Instant end = now.plus(REMEMBER);
    for (String id : sessionIds) {
      until.put(key(vmUuid, id), end);
    }
  }

  /** True when the engine ended this session of this VM within {@link #REMEMBER}. */
  public synchronized boolean contains(String vmUuid, String sessionId) {
    Instant t = until.get(key(vmUuid, sessionId));
    return t != null && t.isAfter(clock.instant());
  }

  private static String key(String vmUuid, String sessionId) {
    return vmUuid.toLowerCase(Locale.ROOT) + '/' + sessionId;
  }
}
