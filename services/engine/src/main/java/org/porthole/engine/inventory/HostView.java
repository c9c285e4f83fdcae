package org.porthole.engine.inventory;

import java.time.Instant;

/** REST view of a host agent: {@code {id, online, agentVersion, lastSeen}}. */
public record HostView(String id, boolean online, String agentVersion, Instant lastSeen) {

    static HostView of(Host host) {
        return new HostView(host.id(), host.online(), host.agentVersion(), host.lastSeen());
    }
}
