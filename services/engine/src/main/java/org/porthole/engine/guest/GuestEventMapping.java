package org.porthole.engine.guest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.porthole.api.events.v1.DisconnectActionOutcome;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.hostagent.v1.GuestSession;
import org.porthole.engine.EventTimes;
import org.porthole.engine.agent.HostIds;
import org.porthole.engine.inventory.DomainMapping;

/**
 * Maps {@code porthole.guests.v1} events to domain records at the edge. What a guest reports is
 * untrusted (a guest's root controls it): text is cut to bounded lengths, lists to bounded sizes,
 * and malformed events raise {@link IllegalArgumentException} with a message safe to log.
 */
final class GuestEventMapping {

  static final int MAX_TEXT = 255;
  static final int MAX_LIST = 64;

  private GuestEventMapping() {}

  static UUID vmId(GuestEvent event) {
    return DomainMapping.parseUuid(event.getVmUuid())
        .orElseThrow(() -> new IllegalArgumentException("guest event vm_uuid is not a UUID"));
  }

  static String hostId(GuestEvent event) {
    if (!HostIds.isValid(event.getHostId())) {
      throw new IllegalArgumentException("guest event host_id is not host:port");
    }
    return event.getHostId();
  }

  /** The event's time, never later than {@code now} (a host clock ahead must not pin the state). */
  static Instant occurredAt(GuestEvent event, Instant now) {
    return EventTimes.occurredAt(event.getOccurredAtEpochMs(), now);
  }

  static GuestState state(GuestEvent event, Instant at) {
    org.porthole.api.hostagent.v1.GuestState s = event.getState();
    return new GuestState(
        vmId(event),
        hostId(event),
        s.getChannel(),
        s.getConnected(),
        s.getResponsive(),
        bounded(s.getAgentVersion()),
        Math.max(0, s.getProtocolVersion()),
        bounded(s.getHostname()),
        bounded(s.getOs().getName()),
        boundedList(s.getUsersList()),
        boundedList(s.getIpsList()),
        session(s.getSession()),
        s.getLocked(),
        at);
  }

  /** The outcome of a disconnect action event, or empty when the event carries none. */
  static Optional<ActionRecord> action(GuestEvent event, Instant at) {
    if (!event.hasAction()) {
      return Optional.empty();
    }
    DisconnectActionOutcome outcome = event.getAction();
    String action =
        DisconnectAction.fromProto(outcome.getAction())
            .map(DisconnectAction::wireName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "disconnect action " + outcome.getActionValue() + " is not known"));
    return Optional.of(
        new ActionRecord(
            event.getEventId(),
            vmId(event),
            hostId(event),
            action,
            outcome.getConfirmed(),
            bounded(outcome.getReason()),
            at));
  }

  static String session(GuestSession session) {
    switch (session) {
      case GUEST_SESSION_UNLOCKED:
        return "unlocked";
      case GUEST_SESSION_LOCKED:
        return "locked";
      case GUEST_SESSION_LOGGED_OFF:
        return "logged-off";
      default:
        return "unknown";
    }
  }

  static String bounded(String text) {
    String t = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
    return t.length() <= MAX_TEXT ? t : t.substring(0, MAX_TEXT);
  }

  static List<String> boundedList(List<String> values) {
    return values.stream().limit(MAX_LIST).map(GuestEventMapping::bounded).toList();
  }

  /** One disconnect action as the audit keeps it. */
  record ActionRecord(
      String eventId,
      UUID vmId,
      String hostId,
      String action,
      boolean confirmed,
      String reason,
      Instant occurredAt) {}
}
