package org.porthole.engine.events;

import java.util.List;

/** The Kafka topics the engine consumes and produces (see docs/contracts.md) and its consumer group. */
public final class Topics {

    public static final String GRAPHICS = "porthole.graphics.v1";
    public static final String LIFECYCLE = "porthole.lifecycle.v1";
    public static final String HOSTS = "porthole.hosts.v1";
    public static final String GUESTS = "porthole.guests.v1";
    public static final List<String> ALL = List.of(HOSTS, LIFECYCLE, GRAPHICS, GUESTS);
    /** Produced by the engine (its audit outbox), consumed by external collectors; not in {@link #ALL}. */
    public static final String AUDIT = "porthole.audit.v1";
    public static final String CONSUMER_GROUP = "porthole-engine";

    private Topics() {
    }
}
