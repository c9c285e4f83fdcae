package org.porthole.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.porthole.e2e.QemuVnc;
import org.porthole.e2e.SharedStack;
import org.porthole.e2e.StackProcess;
import org.porthole.stack.launcher.LocalStack;
import org.porthole.testsupport.engine.EngineClient;

/**
 * The ws-proxy dies (SIGKILL) at a random point of two open consoles and is started again: both
 * consoles drop, QEMU's own client list empties (the host agent ends the relays whose proxy stream
 * broke), no session stays connected in the engine, and fresh tokens open both consoles again
 * through the new proxy.
 */
class WsProxyKillIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration QEMU_WAIT = Duration.ofSeconds(30);
  private static final Duration PICTURE_WAIT = Duration.ofSeconds(10);

  private final LocalStack stack = SharedStack.get();
  private final String vm = stack.demoVmUuid();
  private final String domain = stack.options().demoVmName();
  private final EngineClient admin =
      EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
  private final EngineClient alice =
      EngineClient.as(stack.options().engineUrl(), "alice", stack::token);

  @Test
  void consolesDropNothingStaysOnQemuOrConnectedInTheEngineAndFreshTokensReconnect()
      throws Exception {
    QemuVnc.awaitClients(domain, 0, WAIT);
    String typist;
    String viewer;
    try (OpenConsole a = OpenConsole.open(stack, alice, vm, "interactive");
        OpenConsole b = OpenConsole.open(stack, admin, vm, "view")) {
      typist = a.sessionId();
      viewer = b.sessionId();
      for (OpenConsole c : List.of(a, b)) {
        OpenConsole.awaitState(admin, c.sessionId(), "connected", WAIT);
      }
      QemuVnc.awaitClients(domain, 2, QEMU_WAIT);
      int pictures = ThreadLocalRandom.current().nextInt(1, 6);
      for (int i = 0; i < pictures; i++) {
        a.assertShowsPicture(PICTURE_WAIT);
        b.assertShowsPicture(PICTURE_WAIT);
      }

      Instant killed = Instant.now();
      Duration restart =
          StackProcess.killAndRestartWsProxy(
              stack.options().proxyPort(),
              stack.options().logDir().resolve("ws-proxy-chaos-restarted.log"));
      for (OpenConsole c : List.of(a, b)) {
        assertThat(c.link().awaitClose(PICTURE_WAIT))
            .as("console %s after its proxy died", c.sessionId())
            .isNotNull();
      }
      QemuVnc.awaitClients(domain, 0, QEMU_WAIT);
      System.out.printf(
          "chaos-ws-proxy: killed after %d pictures; new proxy listening in %d ms; QEMU listed"
              + " no client %d ms after the kill%n",
          pictures, restart.toMillis(), Duration.between(killed, Instant.now()).toMillis());
    }
    for (String session : List.of(typist, viewer)) {
      OpenConsole.awaitState(admin, session, "closed", WAIT);
    }

    Instant asked = Instant.now();
    try (OpenConsole a = OpenConsole.open(stack, alice, vm, "interactive");
        OpenConsole b = OpenConsole.open(stack, admin, vm, "view")) {
      a.assertShowsPicture(PICTURE_WAIT);
      b.assertShowsPicture(PICTURE_WAIT);
      QemuVnc.awaitClients(domain, 2, QEMU_WAIT);
      System.out.printf(
          "chaos-ws-proxy: both consoles open again with fresh tokens in %d ms%n",
          Duration.between(asked, Instant.now()).toMillis());
    }
    QemuVnc.awaitClients(domain, 0, QEMU_WAIT);
  }
}
