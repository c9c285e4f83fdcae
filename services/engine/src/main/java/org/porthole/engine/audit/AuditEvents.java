package org.porthole.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.porthole.api.events.v1.AuditEvent;

/** Maps a stored audit fact to its wire message on {@code porthole.audit.v1}, and names its key. */
final class AuditEvents {

  private AuditEvents() {}

  static AuditEvent toProto(AuditRecord record, ObjectMapper json) {
    AuditEvent.Builder event =
        AuditEvent.newBuilder()
            .setId(record.id())
            .setKind(record.kind())
            .setOccurredAtEpochMs(record.occurredAt().toEpochMilli())
            .setActor(record.actor())
            .setClientAddress(record.clientAddress())
            .setReason(record.reason());
    if (record.vmUuid() != null) {
      event.setVmUuid(record.vmUuid().toString());
    }
    if (record.sessionId() != null) {
      event.setSessionId(record.sessionId().toString());
    }
    try {
      event.setDetailJson(json.writeValueAsString(record.detail()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "audit detail of event " + record.id() + " is not serializable", e);
    }
    return event.build();
  }

  /** The record key: the VM, so one VM's story stays in order; the actor when there is no VM. */
  static String key(AuditRecord record) {
    return record.vmUuid() != null ? record.vmUuid().toString() : record.actor();
  }
}
