package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.porthole.admin.metrics.ConsoleMeters;

class OpenConsoleCountTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OpenConsoleCount count = new OpenConsoleCount(new ConsoleMeters(registry));

  private double open(String mode) {
    return registry
        .get(ConsoleMeters.CONSOLES_OPEN)
        .tag("mode", mode)
        .tag("channel", "vnc")
        .gauge()
        .value();
  }

  @Test
  void countsEachRelayFromConnectedToEndedByMode() {
    RelayedConsole a = new RelayedConsole("s1", "vm", "alice", false, "c", null);
    RelayedConsole b = new RelayedConsole("s1", "vm", "alice", false, "c", null);
    RelayedConsole v = new RelayedConsole("s2", "vm", "bob", true, "c", null);
    count.connected(a);
    count.connected(b);
    count.connected(v);
    assertThat(open("interactive")).isEqualTo(2);
    assertThat(open("view")).isEqualTo(1);

    count.ended(new RelayedConsole("s1", "vm", "alice", false, "c", Instant.now()));
    assertThat(open("interactive")).isEqualTo(1);
    count.ended(b);
    count.ended(b);
    count.ended(v);
    assertThat(open("interactive")).isZero();
    assertThat(open("view")).isZero();
  }
}
