package org.porthole.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.AuditEvent;

class AuditEventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-11-22T14:00:00.123Z");

  @Test
  void mapsEveryFieldAndKeysByTheVm() throws Exception {
    UUID vm = UUID.randomUUID();
    UUID session = UUID.randomUUID();
    AuditRecord record =
        new AuditRecord(
            42,
            AuditKind.TAKEN_OVER,
            AT,
            "bob",
            "10.0.0.7",
            vm,
            session,
            "taken over by bob",
            Map.of("holder", "alice"));
    AuditEvent event = AuditEvents.toProto(record, JSON);
    assertThat(event.getId()).isEqualTo(42);
    assertThat(event.getKind()).isEqualTo("console.taken-over");
    assertThat(event.getOccurredAtEpochMs()).isEqualTo(AT.toEpochMilli());
    assertThat(event.getActor()).isEqualTo("bob");
    assertThat(event.getClientAddress()).isEqualTo("10.0.0.7");
    assertThat(event.getVmUuid()).isEqualTo(vm.toString());
    assertThat(event.getSessionId()).isEqualTo(session.toString());
    assertThat(event.getReason()).isEqualTo("taken over by bob");
    assertThat(JSON.readTree(event.getDetailJson()).path("holder").asText()).isEqualTo("alice");
    assertThat(AuditEvents.key(record)).isEqualTo(vm.toString());
  }

  @Test
  void anEventWithoutVmIsKeyedByItsActorAndLeavesIdsEmpty() {
    AuditRecord record =
        AuditRecord.of(AuditKind.ACL_CREATED, AT, "root", null, null, null, null, null);
    AuditEvent event = AuditEvents.toProto(record, JSON);
    assertThat(AuditEvents.key(record)).isEqualTo("root");
    assertThat(event.getVmUuid()).isEmpty();
    assertThat(event.getSessionId()).isEmpty();
    assertThat(event.getClientAddress()).isEmpty();
    assertThat(event.getReason()).isEmpty();
    assertThat(event.getDetailJson()).isEqualTo("{}");
  }
}
