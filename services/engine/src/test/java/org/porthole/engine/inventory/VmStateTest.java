package org.porthole.engine.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.DomainState;

class VmStateTest {

  @Test
  void theSourcesLastCopyAndItsStopByMigrationAreMigrating() {
    assertThat(VmState.afterLifecycle(DomainState.DOMAIN_STATE_PAUSED, "SUSPENDED/MIGRATED"))
        .isEqualTo(VmState.MIGRATING);
    assertThat(VmState.afterLifecycle(DomainState.DOMAIN_STATE_SHUTOFF, "STOPPED/MIGRATED"))
        .isEqualTo(VmState.MIGRATING);
    assertThat(VmState.MIGRATING.wireName()).isEqualTo("migrating");
    assertThat(VmState.fromWireName("migrating")).isEqualTo(VmState.MIGRATING);
  }

  @Test
  void everyOtherEventKeepsTheAgentsState() {
    // A failed migration resumes the source; the destination's own events are its own state.
    assertThat(VmState.afterLifecycle(DomainState.DOMAIN_STATE_RUNNING, "RESUMED/MIGRATED"))
        .isEqualTo(VmState.RUNNING);
    assertThat(VmState.afterLifecycle(DomainState.DOMAIN_STATE_PAUSED, "STARTED/MIGRATED"))
        .isEqualTo(VmState.PAUSED);
    assertThat(VmState.afterLifecycle(DomainState.DOMAIN_STATE_PAUSED, "SUSPENDED/PAUSED"))
        .isEqualTo(VmState.PAUSED);
    assertThat(VmState.afterLifecycle(DomainState.DOMAIN_STATE_SHUTOFF, "STOPPED/DESTROYED"))
        .isEqualTo(VmState.SHUTOFF);
    assertThat(VmState.afterLifecycle(DomainState.DOMAIN_STATE_SHUTOFF, ""))
        .isEqualTo(VmState.SHUTOFF);
  }
}
