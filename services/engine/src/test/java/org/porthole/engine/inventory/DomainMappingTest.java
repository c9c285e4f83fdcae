package org.porthole.engine.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.Graphics;

class DomainMappingTest {

  private static final String UUID_TEXT = "6a1f0c1e-0000-4000-8000-000000000001";

  @Test
  void mapsADomainWithGraphics() {
    Domain domain =
        Domain.newBuilder()
            .setUuid(UUID_TEXT)
            .setName("demo")
            .setState(DomainState.DOMAIN_STATE_RUNNING)
            .setGraphics(
                Graphics.newBuilder()
                    .setType("vnc")
                    .setListen("127.0.0.1")
                    .setPort(5900)
                    .setPasswordCapable(true))
            .build();

    Vm vm = DomainMapping.toVm(domain, "localhost:9443", Instant.EPOCH).orElseThrow();

    assertThat(vm)
        .isEqualTo(
            new Vm(
                UUID.fromString(UUID_TEXT),
                "localhost:9443",
                "demo",
                VmState.RUNNING,
                new VmGraphics("vnc", false, true),
                Instant.EPOCH));
    assertThat(vm.acceptsTickets()).isTrue();
  }

  @Test
  void domainWithoutGraphicsHasNone() {
    Domain domain =
        Domain.newBuilder()
            .setUuid(UUID_TEXT)
            .setName("headless")
            .setState(DomainState.DOMAIN_STATE_SHUTOFF)
            .build();
    Vm vm = DomainMapping.toVm(domain, "h:1", Instant.EPOCH).orElseThrow();
    assertThat(vm.graphics()).isNull();
    assertThat(vm.state()).isEqualTo(VmState.SHUTOFF);
  }

  @Test
  void ignoresDomainWithoutAValidUuid() {
    assertThat(
            DomainMapping.toVm(
                Domain.newBuilder().setUuid("not-a-uuid").build(), "h:1", Instant.EPOCH))
        .isEmpty();
    assertThat(
            DomainMapping.toVm(
                Domain.newBuilder().setUuid("1-1-1-1-1").build(), "h:1", Instant.EPOCH))
        .isEmpty();
  }

  @Test
  void boundsOverlongNames() {
    Domain domain = Domain.newBuilder().setUuid(UUID_TEXT).setName("n".repeat(10_000)).build();
    assertThat(DomainMapping.toVm(domain, "h:1", Instant.EPOCH).orElseThrow().name()).hasSize(255);
  }

  @Test
  void unknownStatesMapToUnknownAndBack() {
    assertThat(VmState.fromProto(DomainState.DOMAIN_STATE_UNSPECIFIED)).isEqualTo(VmState.UNKNOWN);
    assertThat(VmState.fromWireName("exploded")).isEqualTo(VmState.UNKNOWN);
    for (VmState state : VmState.values()) {
      assertThat(VmState.fromWireName(state.wireName())).isEqualTo(state);
    }
  }
}
