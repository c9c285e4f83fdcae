package org.porthole.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.porthole.status.PortholeStatus;

class HostIdsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:9443",
        "kvm-01.example.org:9443",
        "127.0.0.1:1",
        "[::1]:9443",
        "h:65535"
      })
  void acceptsAuthorities(String hostId) {
    assertThat(HostIds.isValid(hostId)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "localhost:0",
        "localhost:65536",
        "localhost:99999",
        ":9443",
        "http://evil:80",
        "evil/path:80",
        "a b:80",
        "-bad:80",
        "unix:///run/agent.sock",
        "[::1:9443",
        "h:80\n"
      })
  void refusesAnythingElse(String hostId) {
    assertThat(HostIds.isValid(hostId)).isFalse();
  }

  @Test
  void refusesOverlongAndMissingIds() {
    assertThat(HostIds.isValid("a".repeat(300) + ":80")).isFalse();
    assertThat(HostIds.isValid(null)).isFalse();
  }

  @Test
  void mapsAgentFailuresToTheStatusTable() {
    assertThat(HostAgentClient.statusOf(Status.Code.NOT_FOUND)).isEqualTo(PortholeStatus.NOT_FOUND);
    assertThat(HostAgentClient.statusOf(Status.Code.FAILED_PRECONDITION))
        .isEqualTo(PortholeStatus.CONFLICT);
    assertThat(HostAgentClient.statusOf(Status.Code.UNAVAILABLE))
        .isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
    assertThat(HostAgentClient.statusOf(Status.Code.DEADLINE_EXCEEDED))
        .isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
    assertThat(HostAgentClient.statusOf(Status.Code.INVALID_ARGUMENT))
        .isEqualTo(PortholeStatus.INTERNAL);
  }
}
