package org.porthole.engine.audit;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Filters of {@code GET /audit}; a null field does not filter.
 *
 * @param actor lower-case user name
 * @param vmIds when not null, only events of these VMs (what a non-porthole-admin may read)
 */
public record AuditQuery(
    String actor,
    UUID vmUuid,
    UUID sessionId,
    Instant from,
    Instant to,
    int limit,
    Set<UUID> vmIds) {}
