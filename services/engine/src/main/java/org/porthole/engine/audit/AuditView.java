package org.porthole.engine.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * REST view of an audit event: {@code {id, kind, occurredAt, actor, clientAddress, vmUuid, vmName,
 * sessionId, reason, detail}}; {@code vmName} is the VM's name in the inventory now, null when the
 * event names no VM or one the engine no longer knows.
 */
public record AuditView(
    long id,
    String kind,
    Instant occurredAt,
    String actor,
    String clientAddress,
    UUID vmUuid,
    String vmName,
    UUID sessionId,
    String reason,
    Map<String, Object> detail) {

  static AuditView of(AuditRecord r, String vmName) {
    return new AuditView(
        r.id(),
        r.kind(),
        r.occurredAt(),
        r.actor(),
        r.clientAddress(),
        r.vmUuid(),
        vmName,
        r.sessionId(),
        r.reason(),
        r.detail());
  }
}
