package org.porthole.engine.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.DisconnectActionOutcome;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.GuestSession;
import org.porthole.api.hostagent.v1.GuestState;
import org.porthole.status.PortholeException;

class GuestEventMappingTest {

  private static final UUID VM = UUID.fromString("6a1f3c2e-0000-4000-8000-000000000001");
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void mapsAStateEvent() {
    GuestEvent event =
        event(
                GuestState.newBuilder()
                    .setResponsive(true)
                    .setAgentVersion("1.2.3")
                    .setSession(GuestSession.GUEST_SESSION_LOCKED)
                    .setLocked(true)
                    .addUsers("tester"))
            .setOccurredAtEpochMs(NOW.minusSeconds(5).toEpochMilli())
            .build();
    org.porthole.engine.guest.GuestState s =
        GuestEventMapping.state(event, GuestEventMapping.occurredAt(event, NOW));
    assertThat(s.vmId()).isEqualTo(VM);
    assertThat(s.session()).isEqualTo("locked");
    assertThat(s.locked()).isTrue();
    assertThat(s.users()).containsExactly("tester");
    assertThat(s.reportedAt()).isEqualTo(NOW.minusSeconds(5));
  }

  @Test
  void rejectsLockedWhileUnresponsive() {
    GuestEvent event =
        event(
                GuestState.newBuilder()
                    .setResponsive(false)
                    .setLocked(true)
                    .setSession(GuestSession.GUEST_SESSION_LOCKED))
            .build();
    assertThat(GuestEventMapping.state(event, NOW).locked()).isFalse();
  }

  @Test
  void rejectsAClockAheadOfTheEngine() {
    GuestEvent event =
        event(GuestState.newBuilder())
            .setOccurredAtEpochMs(NOW.plusSeconds(3600).toEpochMilli())
            .build();
    assertThat(GuestEventMapping.occurredAt(event, NOW)).isEqualTo(NOW);
  }

  @Test
  void boundsHostileText() {
    GuestState.Builder state =
        GuestState.newBuilder()
            .setHostname("h".repeat(100_000))
            .setAgentVersion("1.0\u001b[2J\r\n");
    for (int i = 0; i < 10_000; i++) {
      state.addIps("10.0.0." + i);
    }
    org.porthole.engine.guest.GuestState s = GuestEventMapping.state(event(state).build(), NOW);
    assertThat(s.hostname()).hasSize(GuestEventMapping.MAX_TEXT);
    assertThat(s.agentVersion()).isEqualTo("1.0?[2J??");
    assertThat(s.ips()).hasSize(GuestEventMapping.MAX_LIST);
  }

  @Test
  void rejectsBadIdsAndUnknownActions() {
    assertThatThrownBy(
            () -> GuestEventMapping.vmId(event(GuestState.newBuilder()).setVmUuid("nope").build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                GuestEventMapping.hostId(
                    event(GuestState.newBuilder()).setHostId("evil host").build()))
        .isInstanceOf(IllegalArgumentException.class);
    GuestEvent unknown =
        event(GuestState.newBuilder())
            .setAction(DisconnectActionOutcome.newBuilder().setActionValue(99))
            .build();
    assertThatThrownBy(() -> GuestEventMapping.action(unknown, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("99");
    GuestEvent known =
        event(GuestState.newBuilder())
            .setAction(
                DisconnectActionOutcome.newBuilder()
                    .setAction(DisconnectAction.DISCONNECT_ACTION_REBOOT)
                    .setConfirmed(true))
            .build();
    assertThat(GuestEventMapping.action(known, NOW).orElseThrow().action()).isEqualTo("reboot");
  }

  @Test
  void policyRequestsKeepDefaultsAndRefuseOutOfRange() {
    ConsolePolicy defaults = GuestResource.toPolicy(VM, new ConsolePolicyRequest(null, null, null));
    assertThat(defaults).isEqualTo(ConsolePolicy.defaults(VM));
    assertThat(
            GuestResource.toPolicy(VM, new ConsolePolicyRequest("none", 0, 600)).disconnectAction())
        .isEqualTo(org.porthole.engine.guest.DisconnectAction.NONE);
    assertThatThrownBy(
            () -> GuestResource.toPolicy(VM, new ConsolePolicyRequest("LOCK-SCREEN", null, null)))
        .isInstanceOf(PortholeException.class)
        .hasMessageContaining("lock-screen, log-off");
    assertThatThrownBy(
            () -> GuestResource.toPolicy(VM, new ConsolePolicyRequest(null, 60_001, null)))
        .isInstanceOf(PortholeException.class);
    assertThatThrownBy(() -> GuestResource.toPolicy(VM, new ConsolePolicyRequest(null, null, -1)))
        .isInstanceOf(PortholeException.class);
  }

  private static GuestEvent.Builder event(GuestState.Builder state) {
    return GuestEvent.newBuilder()
        .setEventId("e-1")
        .setVmUuid(VM.toString())
        .setHostId("127.0.0.1:9443")
        .setState(state);
  }
}
