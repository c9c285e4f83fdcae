package org.porthole.wsproxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentAddressTest {

  @Test
  void parsesHostAndPort() {
    assertThat(AgentAddress.parse("localhost:9443")).isEqualTo(new AgentAddress("localhost", 9443));
    assertThat(AgentAddress.parse("kvm-01.example.org:1"))
        .isEqualTo(new AgentAddress("kvm-01.example.org", 1));
    assertThat(AgentAddress.parse("[::1]:9443")).isEqualTo(new AgentAddress("::1", 9443));
    assertThat(AgentAddress.parse("10.1.2.3:65535")).isEqualTo(new AgentAddress("10.1.2.3", 65535));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "localhost:",
        ":9443",
        "localhost:0",
        "localhost:65536",
        "localhost:-1",
        "localhost:+1",
        "localhost:99999999999",
        "user@host:1",
        "host/path:1",
        "host:1/x",
        "[::1:9443",
        "[]:1",
        "[::1]x:1",
        "ho st:1",
        "h\u0000st:1",
        "évil:1",
        "::1:9443"
      })
  void rejectsMalformedOrHostileHostIds(String hostId) {
    assertThatThrownBy(() -> AgentAddress.parse(hostId))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain(hostId.isEmpty() ? "\u0001" : hostId));
  }

  @Test
  void rejectsOverlongHostId() {
    assertThatThrownBy(() -> AgentAddress.parse("a".repeat(300) + ":1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AgentAddress.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
