package org.porthole.api.events.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventTopicsTest {

  @Test
  void namesAHostsTopicsAfterItsEscapedHostId() {
    assertThat(EventTopics.hostTopic("localhost:9443", EventTopics.Stream.GRAPHICS))
        .isEqualTo("porthole.host.localhost_3a9443.graphics.v1");
    assertThat(EventTopics.hostTopics("kvm-1.example.org:9443"))
        .containsExactly(
            "porthole.host.kvm-1_2eexample_2eorg_3a9443.graphics.v1",
            "porthole.host.kvm-1_2eexample_2eorg_3a9443.lifecycle.v1",
            "porthole.host.kvm-1_2eexample_2eorg_3a9443.hosts.v1",
            "porthole.host.kvm-1_2eexample_2eorg_3a9443.guests.v1");
  }

  @Test
  void noHostCanNameItselfIntoAnotherHostsTopics() {
    // Without escaping, "a_b:1" and "a.b:1" (or "a:1" with a dotted suffix) would share names.
    assertThat(EventTopics.hostKey("a_b:1")).isNotEqualTo(EventTopics.hostKey("a.b:1"));
    assertThat(EventTopics.hostKey("a_2eb:1")).isNotEqualTo(EventTopics.hostKey("a.b:1"));
    assertThat(EventTopics.hostTopic("a.b:1", EventTopics.Stream.HOSTS))
        .doesNotStartWith(EventTopics.HOST_TOPIC_PREFIX + EventTopics.hostKey("a") + ".");
    assertThat(EventTopics.hostKey("[::1]:9443")).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void parsesOnlyNamesItMakes() {
    String topic = EventTopics.hostTopic("[::1]:9443", EventTopics.Stream.LIFECYCLE);
    assertThat(EventTopics.parse(topic))
        .contains(
            new EventTopics.HostTopic(
                EventTopics.hostKey("[::1]:9443"), EventTopics.Stream.LIFECYCLE));
    assertThat(EventTopics.parse(topic).orElseThrow().sibling(EventTopics.Stream.HOSTS))
        .isEqualTo(EventTopics.hostTopic("[::1]:9443", EventTopics.Stream.HOSTS));
    assertThat(EventTopics.parse("porthole.graphics.v1")).isEmpty();
    assertThat(EventTopics.parse("porthole.host.a.b.graphics.v1")).isEmpty();
    assertThat(EventTopics.parse("porthole.host.a_zz.graphics.v1")).isEmpty();
    assertThat(EventTopics.parse(EventTopics.AUDIT)).isEmpty();
  }

  @Test
  void refusesHostIdsTooLongForATopicName() {
    assertThatThrownBy(
            () -> EventTopics.hostTopic("h".repeat(240) + ":9443", EventTopics.Stream.GUESTS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventTopics.hostKey("")).isInstanceOf(IllegalArgumentException.class);
  }
}
