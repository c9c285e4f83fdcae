package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
    stream.bind(ConsoleTokens.claims("s-1", VM, "host-1"));

    stream.loggedIn();

    assertThat(stream.view().authenticated()).isFalse();
  }
}
