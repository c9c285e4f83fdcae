package org.porthole.hostagent.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentIdentity;

class EventFactoryBootIdTest {
  private final AgentIdentity identity =
      AgentIdentity.forThisProcess("kvm-a.example.org:9443", Instant.now());
  private final EventFactory factory = new EventFactory(identity, Clock.systemUTC());

  @Test
  void hostEventsCarryTheProcessBootIdUntilItIsRenewedThenTheNewOne() {
    assertThat(factory.heartbeat().getBootId()).isEqualTo(identity.bootId());

    factory.renewBootId();
    String renewed = factory.heartbeat().getBootId();

    assertThat(renewed).isNotEqualTo(identity.bootId()).isNotBlank();
    assertThat(factory.heartbeat().getBootId()).as("the next heartbeat").isEqualTo(renewed);
    assertThat(factory.goodbye().getBootId()).as("a goodbye").isEqualTo(renewed);
  }
}
