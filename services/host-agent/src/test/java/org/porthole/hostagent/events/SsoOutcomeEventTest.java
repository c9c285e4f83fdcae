package org.porthole.hostagent.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.GuestEventKind;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.hostagent.guest.SsoReport;

/** A guest's SSO outcome goes on the guests topic as a GuestEvent of kind SSO. */
class SsoOutcomeEventTest {
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  @Test
  void carriesEveryFieldOfTheOutcomeWithTheGuestsState() {
    Instant now = Instant.parse("2026-12-07T01:00:00Z");
    EventFactory factory =
        new EventFactory(
            new AgentIdentity("agent-1.test:9443", "agent-1", "test", "boot-1", now),
            Clock.fixed(now, ZoneOffset.UTC));
    SsoReport r =
        new SsoReport(VM, "s1", "refused", "wrong-user", "bob@PORTHOLE.TEST", "", false, true);
    GuestEvent e = factory.ssoOutcome(GuestSnapshot.none(VM), r);
    assertThat(e.getKind()).isEqualTo(GuestEventKind.GUEST_EVENT_KIND_SSO);
    assertThat(e.getVmUuid()).isEqualTo(VM);
    assertThat(e.getHostId()).isEqualTo("agent-1.test:9443");
    assertThat(e.getOccurredAtEpochMs()).isEqualTo(now.toEpochMilli());
    assertThat(e.getEventId()).isNotEmpty();
    assertThat(e.getSso().getSessionId()).isEqualTo("s1");
    assertThat(e.getSso().getOutcome()).isEqualTo("refused");
    assertThat(e.getSso().getCode()).isEqualTo("wrong-user");
    assertThat(e.getSso().getPrincipal()).isEqualTo("bob@PORTHOLE.TEST");
    assertThat(e.getSso().getDelegated()).isFalse();
    assertThat(e.getSso().getDelivered()).isTrue();
    assertThat(e.hasAction()).isFalse();
  }
}
