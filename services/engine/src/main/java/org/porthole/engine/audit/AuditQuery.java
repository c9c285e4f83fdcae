package org.porthole.engine.audit;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Filters of {@code GET /audit}; a null field does not filter.
 *
 * @param actor lower-case user name
 * @param limit the page size
 * @param before when not null, only events with a smaller id: the page after the one that ended
 *     with that id (keyset paging, so events written meanwhile never shift a page)
 * @param vmIds when not null, only events of these VMs (what a non-porthole-admin may read)
 */
public record AuditQuery(
    String actor,
    UUID vmUuid,
    UUID sessionId,
    Instant from,
    Instant to,
    int limit,
    Long before,
    Set<UUID> vmIds) {

  /** The same filters restricted to the events of {@code vms}, and any VM filter dropped. */
  AuditQuery onlyOf(Set<UUID> vms) {
    return new AuditQuery(actor, null, sessionId, from, to, limit, before, vms);
  }
}
