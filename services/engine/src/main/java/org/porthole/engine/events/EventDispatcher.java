package org.porthole.engine.events;

import com.google.protobuf.InvalidProtocolBufferException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.engine.audit.RefusalAudit;
import org.porthole.engine.console.GraphicsEvents;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.guest.GuestEvents;
import org.porthole.engine.inventory.ClaimedMoves;
import org.porthole.engine.inventory.DomainMapping;
import org.porthole.engine.inventory.InventoryEvents;
import org.porthole.engine.inventory.InventorySync;

/**
 * Parses one Kafka record and applies it exactly once: the event id and the event's effect are
 * written in one transaction. Events of a host's topics apply only under the owner rule ({@link
 * EventOwners}); refusals become audit rows ({@link RefusalAudit}). Wire messages are mapped by the
 * feature appliers; malformed records are logged (without their content) and skipped, so one bad
 * record cannot stall a partition.
 */
@ApplicationScoped
public class EventDispatcher {

  private static final Logger LOG = Logger.getLogger(EventDispatcher.class);
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Larger than any event the agents send; bigger records are refused before parsing. */
  static final int MAX_RECORD_BYTES = 64 * 1024;

  private static final String UNDEFINED = "UNDEFINED";

  /**
   * What became of a record; IGNORED: not from the host that owns what it names ({@link
   * EventOwners}).
   */
  public enum Outcome {
    APPLIED,
    DUPLICATE,
    MALFORMED,
    IGNORED
  }

  private final Transactions transactions;
  private final AppliedEvents applied;
  private final InventoryEvents inventory;
  private final InventorySync sync;
  private final GraphicsEvents graphics;
  private final GuestEvents guests;
  private final RefusalAudit refusals;
  private final EventOwners owners;
  private final IgnoredEvents ignored;
  private final ClaimedMoves moves;

  @Inject
  public EventDispatcher(
      Transactions transactions,
      AppliedEvents applied,
      InventoryEvents inventory,
      InventorySync sync,
      GraphicsEvents graphics,
      GuestEvents guests,
      RefusalAudit refusals,
      EventOwners owners,
      IgnoredEvents ignored,
      ClaimedMoves moves) {
    this.moves = moves;
    this.refusals = refusals;
    this.owners = owners;
    this.ignored = ignored;
    this.transactions = transactions;
    this.applied = applied;
    this.inventory = inventory;
    this.sync = sync;
    this.graphics = graphics;
    this.guests = guests;
  }

  /**
   * Applies the record's event unless it was applied before or its host does not own what it names
   * ({@link EventOwners}).
   *
   * @throws SQLException when the database fails: nothing was applied, the caller retries
   */
  public Outcome apply(String topic, byte[] value) throws SQLException {
    if (value == null || value.length > MAX_RECORD_BYTES) {
      LOG.warnf(
          "record on %s without a value or larger than %d bytes; skipped", topic, MAX_RECORD_BYTES);
      return Outcome.MALFORMED;
    }
    try {
      if (EventTopics.REFUSALS.equals(topic)) {
        ConsoleRefusal refusal = ConsoleRefusal.parseFrom(value);
        return once(
            topic,
            refusal.getEventId(),
            connection -> {
              refusals.apply(connection, refusal);
              return Outcome.APPLIED;
            });
      }
      Optional<EventTopics.HostTopic> host = EventTopics.parse(topic);
      if (host.isEmpty()) {
        ignored.ignored(IgnoredEvents.Reason.UNKNOWN_TOPIC, topic, "");
        return Outcome.IGNORED;
      }
      return applyHostStream(topic, host.get(), value);
    } catch (InvalidProtocolBufferException e) {
      LOG.warnf("record on %s is not a valid protobuf message; skipped", topic);
      return Outcome.MALFORMED;
    } catch (IllegalArgumentException e) {
      LOG.warnf("event on %s skipped: %s", topic, e.getMessage());
      return Outcome.MALFORMED;
    }
  }

  private Outcome applyHostStream(String topic, EventTopics.HostTopic host, byte[] value)
      throws SQLException, InvalidProtocolBufferException {
    switch (host.stream()) {
      case HOSTS:
        HostEvent hostEvent = HostEvent.parseFrom(value);
        boolean[] needsInventory = {false};
        Outcome outcome =
            fromOwner(
                topic,
                host,
                hostEvent.getHostId(),
                hostEvent.getEventId(),
                connection -> Optional.empty(),
                connection -> needsInventory[0] = inventory.applyHost(connection, hostEvent));
        if (needsInventory[0]) {
          sync.request(hostEvent.getHostId());
        }
        return outcome;
      case LIFECYCLE:
        LifecycleEvent lifecycle = LifecycleEvent.parseFrom(value);
        return fromOwner(
            topic,
            host,
            lifecycle.getHostId(),
            lifecycle.getEventId(),
            connection -> claimedMove(owners.lifecycle(connection, lifecycle), lifecycle),
            connection -> inventory.applyLifecycle(connection, lifecycle));
      case GRAPHICS:
        GraphicsEvent event = GraphicsEvent.parseFrom(value);
        return fromOwner(
            topic,
            host,
            event.getHostId(),
            event.getEventId(),
            connection -> owners.graphics(connection, event),
            connection -> graphics.apply(connection, event));
      case GUESTS:
        GuestEvent guest = GuestEvent.parseFrom(value);
        return fromOwner(
            topic,
            host,
            guest.getHostId(),
            guest.getEventId(),
            connection -> owners.guest(connection, guest),
            connection -> guests.apply(connection, guest));
      default:
        throw new IllegalArgumentException("stream " + host.stream() + " is not known");
    }
  }

  /**
   * A lifecycle event about a VM of another host may be a live migration: both agents are asked
   * over gRPC ({@link ClaimedMoves}); the event itself changes nothing.
   */
  private Optional<IgnoredEvents.Reason> claimedMove(
      Optional<IgnoredEvents.Reason> reason, LifecycleEvent event) {
    if (reason.equals(Optional.of(IgnoredEvents.Reason.VM_OF_ANOTHER_HOST))
        && !event.getDetail().startsWith(UNDEFINED)) {
      DomainMapping.parseUuid(event.getVmUuid())
          .ifPresent(vm -> moves.request(vm, event.getHostId()));
    }
    return reason;
  }

  /** An owner check in the event's transaction, before it is marked applied. */
  @FunctionalInterface
  private interface OwnerCheck {
    Optional<IgnoredEvents.Reason> check(Connection connection) throws SQLException;
  }

  /** An event's effect in its transaction. */
  @FunctionalInterface
  private interface Effect {
    void apply(Connection connection) throws SQLException;
  }

  /**
   * Applies the event once if its host id is its topic's host and {@code check} finds it owns what
   * it names; else counts it as ignored and changes nothing (not even the applied ids).
   */
  private Outcome fromOwner(
      String topic,
      EventTopics.HostTopic host,
      String hostId,
      String eventId,
      OwnerCheck check,
      Effect effect)
      throws SQLException {
    Optional<IgnoredEvents.Reason> notTheTopics = owners.hostOfTopic(host, hostId);
    if (notTheTopics.isPresent()) {
      ignored.ignored(notTheTopics.get(), topic, hostId);
      return Outcome.IGNORED;
    }
    requireEventId(eventId);
    List<IgnoredEvents.Reason> foreign = new ArrayList<>(1);
    Outcome outcome =
        transactions.inTransaction(
            connection -> {
              foreign.clear();
              check.check(connection).ifPresent(foreign::add);
              if (!foreign.isEmpty()) {
                return Outcome.IGNORED;
              }
              if (!applied.markApplied(connection, eventId, topic)) {
                return Outcome.DUPLICATE;
              }
              effect.apply(connection);
              return Outcome.APPLIED;
            });
    if (!foreign.isEmpty()) {
      ignored.ignored(foreign.get(0), topic, hostId);
    }
    return outcome;
  }

  private static void requireEventId(String eventId) {
    if (!EVENT_ID.matcher(eventId).matches()) {
      throw new IllegalArgumentException(
          "event_id missing or not 1-128 characters of [A-Za-z0-9._:-]");
    }
  }

  private Outcome once(String topic, String eventId, Transactions.Work<Outcome> effect)
      throws SQLException {
    requireEventId(eventId);
    return transactions.inTransaction(
        connection -> {
          if (!applied.markApplied(connection, eventId, topic)) {
            return Outcome.DUPLICATE;
          }
          return effect.run(connection);
        });
  }
}
