package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.porthole.token.ConsoleClaims;

class ConsoleStreamTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  /**
   * QEMU's acceptance arriving for a console that is no longer OPENING (released by EndConsoles, a
   * cancel or the shutdown) must not mark it authenticated: it never told listeners so, and ending
   * it as an authenticated interactive console would start the VM's grace (a lock) while the real
   * typist is still connected.
   */
  @Test
  void releasedConsoleAcceptedByQemuLateIsNeverReportedAsAnAuthenticatedConsole() {
    // No call and no relays: a console that is not OPENING touches neither in loggedIn().
    ConsoleStream stream = new ConsoleStream(null, null);
    Instant now = Instant.now();
    stream.bind(
        new ConsoleClaims(
            "porthole-engine",
            "porthole-console",
            "alice",
            "s-1",
            VM,
            "host-1",
            ConsoleClaims.CHANNEL_VNC,
            now,
            now,
            now.plusSeconds(60),
            "jti-1",
            ConsoleClaims.MODE_INTERACTIVE));

    stream.loggedIn(new byte[24]);

    assertThat(stream.view().authenticated()).isFalse();
  }
}
