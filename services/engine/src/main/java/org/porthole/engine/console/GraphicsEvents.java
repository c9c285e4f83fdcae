package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.engine.EventTimes;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;

/**
 * Moves console sessions by graphics events, inside the caller's transaction: CONNECT is recorded,
 * INITIALIZE moves issued → connected, DISCONNECT moves to closed. States only move forward, so a
 * late or replayed event cannot reopen a session. An INITIALIZE without a session id is a login to
 * QEMU around Porthole, audited by {@link DirectLogins}. Malformed events raise {@link
 * IllegalArgumentException} with a message safe to log.
 */
@ApplicationScoped
public class GraphicsEvents {

  private static final Logger LOG = Logger.getLogger(GraphicsEvents.class);
  private static final int MAX_ADDRESS = 128;

  private final SessionRepository sessions;
  private final AuditLog audit;
  private final Clock clock;
  private final DirectLogins directLogins;

  @Inject
  public GraphicsEvents(
      SessionRepository sessions, AuditLog audit, Clock clock, DirectLogins directLogins) {
    this.sessions = sessions;
    this.audit = audit;
    this.clock = clock;
    this.directLogins = directLogins;
  }

  public void apply(Connection connection, GraphicsEvent event) throws SQLException {
    if (event.getSessionId().isEmpty()) {
      applyDirect(connection, event);
      return;
    }
    UUID sessionId = parse(event.getSessionId(), "session_id");
    UUID vmId = parse(event.getVmUuid(), "vm_uuid");
    Optional<ConsoleSession> session = sessions.find(connection, sessionId);
    if (session.isEmpty() || !session.get().vmId().equals(vmId)) {
      LOG.warnf(
          "graphics event for session %s of VM %s matches no session; ignored", sessionId, vmId);
      return;
    }
    Instant at = EventTimes.occurredAt(event.getOccurredAtEpochMs(), clock.instant());
    switch (event.getPhase()) {
      case GRAPHICS_PHASE_CONNECT:
        sessions.recordConnect(connection, sessionId, at, bounded(event.getClientAddress()));
        break;
      case GRAPHICS_PHASE_INITIALIZE:
        if (sessions.markConnected(connection, sessionId, at)) {
          audit(connection, AuditKind.CONNECTED, session.get(), at, event, "");
        }
        break;
      case GRAPHICS_PHASE_DISCONNECT:
        boolean wasOpen = sessions.markClosed(connection, sessionId, at);
        audit(
            connection,
            AuditKind.DISCONNECTED,
            session.get(),
            at,
            event,
            wasOpen
                ? "viewer went away"
                : "relay ended after the session was " + session.get().closeReason());
        break;
      default:
        throw new IllegalArgumentException(
            "graphics phase " + event.getPhaseValue() + " is not known");
    }
    LOG.infof("session %s: graphics %s", sessionId, event.getPhase());
  }

  /**
   * A client that did not come through a Porthole relay; its logins are audited (rate-limited per
   * VM).
   */
  private void applyDirect(Connection connection, GraphicsEvent event) throws SQLException {
    LOG.infof("graphics %s by a client outside Porthole (no session id)", event.getPhase());
    if (event.getPhase() != GraphicsPhase.GRAPHICS_PHASE_INITIALIZE) {
      return;
    }
    UUID vmId = parse(event.getVmUuid(), "vm_uuid");
    directLogins.record(
        connection,
        vmId,
        bounded(event.getHostId()),
        bounded(event.getClientAddress()),
        EventTimes.occurredAt(event.getOccurredAtEpochMs(), clock.instant()));
  }

  /**
   * Audited in the event's transaction; the actor is the session's owner, as the viewer is theirs.
   */
  private void audit(
      Connection connection,
      String kind,
      ConsoleSession session,
      Instant at,
      GraphicsEvent event,
      String reason)
      throws SQLException {
    audit.record(
        connection,
        AuditRecord.of(
            kind,
            at,
            session.owner(),
            bounded(event.getClientAddress()),
            session.vmId(),
            session.id(),
            reason,
            Map.of("hostId", session.hostId(), "mode", session.mode().wireName())));
  }

  private static UUID parse(String raw, String field) {
    try {
      UUID id = UUID.fromString(raw);
      if (id.toString().equalsIgnoreCase(raw)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // reported below without echoing the value
    }
    throw new IllegalArgumentException("graphics event " + field + " is not a UUID");
  }

  private static String bounded(String text) {
    return text.length() <= MAX_ADDRESS ? text : text.substring(0, MAX_ADDRESS);
  }
}
