package org.porthole.engine.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * REST view of an audit event: {@code {id, kind, occurredAt, actor, clientAddress, vmUuid,
 * sessionId, reason, detail}}.
 */
public record AuditView(
    long id,
    String kind,
    Instant occurredAt,
    String actor,
    String clientAddress,
    UUID vmUuid,
    UUID sessionId,
    String reason,
    Map<String, Object> detail) {

  static AuditView of(AuditRecord r) {
    return new AuditView(
        r.id(),
        r.kind(),
        r.occurredAt(),
        r.actor(),
        r.clientAddress(),
        r.vmUuid(),
        r.sessionId(),
        r.reason(),
        r.detail());
  }
}
