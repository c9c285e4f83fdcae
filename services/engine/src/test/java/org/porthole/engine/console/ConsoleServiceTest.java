package org.porthole.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.engine.inventory.Vm;
import org.porthole.engine.inventory.VmGraphics;
import org.porthole.engine.inventory.VmState;

class ConsoleServiceTest {

  private static final UUID VM = UUID.fromString("6a1f0c1e-0000-4000-8000-000000000001");

  private static Vm vm(VmState state, VmGraphics graphics) {
    return new Vm(VM, "localhost:9443", "demo", state, graphics, Instant.EPOCH);
  }

  @Test
  void refusesTicketsForVmWithoutGraphics() {
    Vm vm = vm(VmState.RUNNING, null);
    assertThat(vm.acceptsTickets()).isFalse();
    assertThat(ConsoleService.whyNoTicket(vm)).contains("no graphics device");
  }

  @Test
  void refusesTicketsForGraphicsWithoutPasswordAuth() {
    Vm vm = vm(VmState.RUNNING, new VmGraphics("vnc", false, false));
    assertThat(vm.acceptsTickets()).isFalse();
    assertThat(ConsoleService.whyNoTicket(vm)).contains("without password authentication");
  }

  @Test
  void refusesTicketsForVmNotRunning() {
    Vm vm = vm(VmState.SHUTOFF, new VmGraphics("vnc", false, true));
    assertThat(vm.acceptsTickets()).isFalse();
    assertThat(ConsoleService.whyNoTicket(vm)).contains("is shutoff, not running");
  }

  @Test
  void acceptsTicketsForRunningPasswordCapableVm() {
    assertThat(vm(VmState.RUNNING, new VmGraphics("vnc", false, true)).acceptsTickets()).isTrue();
  }
}
