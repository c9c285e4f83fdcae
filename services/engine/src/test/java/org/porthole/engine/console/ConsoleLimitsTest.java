package org.porthole.engine.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

class ConsoleLimitsTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  @Test
  void refusesTheTicketBeyondTheRateAndSaysWhenTheOldestOneLeavesTheMinute() {
    ConsoleLimits limits = new ConsoleLimits(8, 16, 3);
    List<Instant> recent = new ArrayList<>(List.of(NOW.minusSeconds(50), NOW.minusSeconds(20)));
    limits.requireRateWithin(recent, NOW);
    recent.add(NOW.minusSeconds(5));
    PortholeException refused =
        catchThrowableOfType(PortholeException.class, () -> limits.requireRateWithin(recent, NOW));
    assertThat(refused.status()).isEqualTo(PortholeStatus.TOO_MANY_REQUESTS);
    assertThat(refused.retryAfterSeconds()).isEqualTo(11);
    assertThat(refused.getMessage()).contains("at most 3 per minute");
  }

  @Test
  void refusesTheConsoleBeyondTheVmsCap() {
    ConsoleLimits limits = new ConsoleLimits(8, 2, 30);
    UUID vm = UUID.randomUUID();
    limits.requireVmWithin(List.of(session(vm)), vm);
    PortholeException refused =
        catchThrowableOfType(
            PortholeException.class,
            () -> limits.requireVmWithin(List.of(session(vm), session(vm)), vm));
    assertThat(refused.status()).isEqualTo(PortholeStatus.TOO_MANY_REQUESTS);
    assertThat(refused.retryAfterSeconds()).isZero();
  }

  /**
   * QEMU serves at most 32 VNC clients per display: a per-VM cap that high lets one VM refuse
   * everyone.
   */
  @Test
  void refusesAPerVmCapThatQemuCouldNotServe() {
    assertThatThrownBy(() -> new ConsoleLimits(8, 32, 30))
        .hasMessageContaining("max-per-vm must be 1..31");
    assertThatThrownBy(() -> new ConsoleLimits(0, 16, 30)).hasMessageContaining("max-per-user");
    assertThatThrownBy(() -> new ConsoleLimits(8, 16, 0))
        .hasMessageContaining("tickets-per-minute");
  }

  private static ConsoleSession session(UUID vm) {
    return ConsoleSession.issued(
        UUID.randomUUID(), vm, "127.0.0.1:1", "alice", "vnc", NOW, NOW.plusSeconds(60));
  }
}
