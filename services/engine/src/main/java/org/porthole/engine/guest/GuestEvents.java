package org.porthole.engine.guest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.GuestEventKind;
import org.porthole.engine.sso.SsoEvents;

/**
 * Applies {@code porthole.guests.v1} events inside the caller's transaction: the guest's state
 * (kept only if newer than the stored one), for disconnect actions one audit row each, and the
 * outcomes of Kerberos SSO exchanges ({@link SsoEvents}).
 */
@ApplicationScoped
public class GuestEvents {

  private static final Logger LOG = Logger.getLogger(GuestEvents.class);

  private final GuestRepository guests;
  private final Clock clock;
  private final SsoEvents sso;

  @Inject
  public GuestEvents(GuestRepository guests, Clock clock, SsoEvents sso) {
    this.guests = guests;
    this.clock = clock;
    this.sso = sso;
  }

  public void apply(Connection connection, GuestEvent event) throws SQLException {
    Instant at = GuestEventMapping.occurredAt(event, clock.instant());
    if (event.getKind() != GuestEventKind.GUEST_EVENT_KIND_STATE
        && event.getKind() != GuestEventKind.GUEST_EVENT_KIND_DISCONNECT_ACTION
        && event.getKind() != GuestEventKind.GUEST_EVENT_KIND_SSO) {
      throw new IllegalArgumentException(
          "guest event kind " + event.getKindValue() + " is not known");
    }
    if (event.hasState()) {
      guests.upsertState(connection, GuestEventMapping.state(event, at));
    }
    if (event.getKind() == GuestEventKind.GUEST_EVENT_KIND_SSO) {
      sso.apply(connection, event, at);
      return;
    }
    if (event.getKind() != GuestEventKind.GUEST_EVENT_KIND_DISCONNECT_ACTION) {
      return;
    }
    Optional<GuestEventMapping.ActionRecord> action = GuestEventMapping.action(event, at);
    if (action.isEmpty()) {
      throw new IllegalArgumentException("disconnect action event without its outcome");
    }
    GuestEventMapping.ActionRecord a = action.get();
    guests.recordAction(connection, a);
    LOG.infof(
        "VM %s: disconnect action %s %s%s",
        a.vmId(),
        a.action(),
        a.confirmed() ? "confirmed by the guest" : "NOT confirmed",
        a.reason().isEmpty() ? "" : " (" + a.reason() + ")");
  }
}
