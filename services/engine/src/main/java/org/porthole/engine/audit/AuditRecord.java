package org.porthole.engine.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One audited fact: who ({@code actor}, from {@code clientAddress}) did or caused what ({@code
 * kind} on a VM and session) when, and why ({@code reason}). {@code detail} holds extra facts (e.g.
 * the ACL row); never a secret. {@code id} is 0 until stored.
 */
public record AuditRecord(
    long id,
    String kind,
    Instant occurredAt,
    String actor,
    String clientAddress,
    UUID vmUuid,
    UUID sessionId,
    String reason,
    Map<String, Object> detail) {

  public AuditRecord {
    clientAddress = clientAddress == null ? "" : clientAddress;
    reason = reason == null ? "" : reason;
    detail = detail == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(detail));
  }

  /** A fact to store now. */
  public static AuditRecord of(
      String kind,
      Instant at,
      String actor,
      String clientAddress,
      UUID vmUuid,
      UUID sessionId,
      String reason,
      Map<String, Object> detail) {
    return new AuditRecord(0, kind, at, actor, clientAddress, vmUuid, sessionId, reason, detail);
  }
}
