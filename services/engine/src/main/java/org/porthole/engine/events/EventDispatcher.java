package org.porthole.engine.events;

import java.sql.SQLException;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.google.protobuf.InvalidProtocolBufferException;

import org.jboss.logging.Logger;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.engine.console.GraphicsEvents;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.guest.GuestEvents;
import org.porthole.engine.inventory.InventoryEvents;
import org.porthole.engine.inventory.InventorySync;

/**
 * Parses one Kafka record and applies it exactly once: the event id and the event's effect are
 * written in one transaction. Wire messages are mapped by the feature appliers; malformed
 * records are logged (without their content) and skipped, so one bad record cannot stall a partition.
 */
@ApplicationScoped
public class EventDispatcher {

    private static final Logger LOG = Logger.getLogger(EventDispatcher.class);
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Larger than any event the agents send; bigger records are refused before parsing. */
    static final int MAX_RECORD_BYTES = 64 * 1024;

    /** What became of a record. */
    public enum Outcome { APPLIED, DUPLICATE, MALFORMED }

    private final Transactions transactions;
    private final AppliedEvents applied;
    private final InventoryEvents inventory;
    private final InventorySync sync;
    private final GraphicsEvents graphics;
    private final GuestEvents guests;

    @Inject
    public EventDispatcher(Transactions transactions, AppliedEvents applied, InventoryEvents inventory,
            InventorySync sync, GraphicsEvents graphics, GuestEvents guests) {
        this.transactions = transactions;
        this.applied = applied;
        this.inventory = inventory;
        this.sync = sync;
        this.graphics = graphics;
        this.guests = guests;
    }

    /**
     * Applies the record's event unless it was applied before.
     *
     * @throws SQLException when the database fails: nothing was applied, the caller retries
     */
    public Outcome apply(String topic, byte[] value) throws SQLException {
        if (value == null || value.length > MAX_RECORD_BYTES) {
            LOG.warnf("record on %s without a value or larger than %d bytes; skipped", topic, MAX_RECORD_BYTES);
            return Outcome.MALFORMED;
        }
        try {
            switch (topic) {
                case Topics.HOSTS:
                    return applyHost(HostEvent.parseFrom(value));
                case Topics.LIFECYCLE:
                    LifecycleEvent lifecycle = LifecycleEvent.parseFrom(value);
                    return once(topic, lifecycle.getEventId(), connection -> {
                        inventory.applyLifecycle(connection, lifecycle);
                        return Outcome.APPLIED;
                    });
                case Topics.GRAPHICS:
                    GraphicsEvent event = GraphicsEvent.parseFrom(value);
                    return once(topic, event.getEventId(), connection -> {
                        graphics.apply(connection, event);
                        return Outcome.APPLIED;
                    });
                case Topics.GUESTS:
                    GuestEvent guest = GuestEvent.parseFrom(value);
                    return once(topic, guest.getEventId(), connection -> {
                        guests.apply(connection, guest);
                        return Outcome.APPLIED;
                    });
                default:
                    LOG.warnf("record on unexpected topic %s; skipped", topic);
                    return Outcome.MALFORMED;
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("record on %s is not a valid protobuf message; skipped", topic);
            return Outcome.MALFORMED;
        } catch (IllegalArgumentException e) {
            LOG.warnf("event on %s skipped: %s", topic, e.getMessage());
            return Outcome.MALFORMED;
        }
    }

    private Outcome applyHost(HostEvent event) throws SQLException {
        boolean[] needsInventory = {false};
        Outcome outcome = once(Topics.HOSTS, event.getEventId(), connection -> {
            needsInventory[0] = inventory.applyHost(connection, event);
            return Outcome.APPLIED;
        });
        if (needsInventory[0]) {
            sync.request(event.getHostId());
        }
        return outcome;
    }

    private Outcome once(String topic, String eventId, Transactions.Work<Outcome> effect) throws SQLException {
        if (!EVENT_ID.matcher(eventId).matches()) {
            throw new IllegalArgumentException("event_id missing or not 1-128 characters of [A-Za-z0-9._:-]");
        }
        return transactions.inTransaction(connection -> {
            if (!applied.markApplied(connection, eventId, topic)) {
                return Outcome.DUPLICATE;
            }
            return effect.run(connection);
        });
    }
}
