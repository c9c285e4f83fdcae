package org.porthole.engine.events;

import java.util.List;

/** The Kafka topics the engine consumes (see docs/contracts.md) and its consumer group. */
public final class Topics {

    public static final String GRAPHICS = "porthole.graphics.v1";
    public static final String LIFECYCLE = "porthole.lifecycle.v1";
    public static final String HOSTS = "porthole.hosts.v1";
    public static final String GUESTS = "porthole.guests.v1";
    public static final List<String> ALL = List.of(HOSTS, LIFECYCLE, GRAPHICS, GUESTS);
    public static final String CONSUMER_GROUP = "porthole-engine";

    private Topics() {
    }
}
