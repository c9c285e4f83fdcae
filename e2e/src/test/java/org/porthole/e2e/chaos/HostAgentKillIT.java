package org.porthole.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.porthole.testsupport.ws.WsClient;

/**
 * The host agent dies (SIGKILL) at a random point of two open consoles and is started again: both
 * consoles drop and QEMU lists no client; while it is down a ticket is refused at once (503); a
 * token issued before the kill and never used opens nothing on the new agent, though it is still
 * within its lifetime and the new agent never saw it redeemed; the engine closes the dropped
 * sessions; the new agent follows the guest's channel again (a fresh guest report) and fresh tokens
 * open consoles through it.
 */
class HostAgentKillIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration QEMU_WAIT = Duration.ofSeconds(30);
  private static final Duration PICTURE_WAIT = Duration.ofSeconds(10);

  /**
   * The guest agent's JVM runs under TCG: on a loaded machine its answer to the new agent's hello
   * takes minutes (GuestLockIT allows the same).
   */
  private static final Duration GUEST_WAIT = Duration.ofSeconds(180);

  /** The longest a ticket request may take to be refused while the agent is down. */
  private static final Duration REFUSAL = Duration.ofSeconds(10);

  /** WebSocket close code of a refused console token (PortholeStatus.TOKEN_REJECTED). */
  private static final int TOKEN_REJECTED = 4001;

  private final LocalStack stack = SharedStack.get();
  private final String vm = stack.demoVmUuid();
  private final String domain = stack.options().demoVmName();
  private final EngineClient admin =
      EngineClient.as(stack.options().engineUrl(), "admin", stack::token);
  private final EngineClient alice =
      EngineClient.as(stack.options().engineUrl(), "alice", stack::token);

  @Test
  void consolesEndOldTokensAreRefusedAndTheNewAgentServesFreshOnes() throws Exception {
    QemuVnc.awaitClients(domain, 0, WAIT);
    List<String> dropped;
    EngineClient.Ticket unused;
    Instant restarted;
    try (OpenConsole a = OpenConsole.open(stack, alice, vm, "interactive");
        OpenConsole b = OpenConsole.open(stack, admin, vm, "view")) {
      dropped = List.of(a.sessionId(), b.sessionId());
      for (OpenConsole c : List.of(a, b)) {
        OpenConsole.awaitState(admin, c.sessionId(), "connected", WAIT);
      }
      QemuVnc.awaitClients(domain, 2, QEMU_WAIT);
      unused = admin.ticketWhenFree(vm, "view");
      restarted = killWhileShownAndStartAgain(a, b, Instant.now());
    }

    try (WsClient old = OpenConsole.link(stack, unused)) {
      assertThat(old.awaitClose(PICTURE_WAIT))
          .as("a token issued before the agent's start, used on it")
          .isEqualTo(TOKEN_REJECTED);
      assertThat(old.closeReason()).contains("issued before this host agent started");
    }
    for (String session : dropped) {
      OpenConsole.awaitState(admin, session, "closed", WAIT);
      assertThat(admin.json("/consoles/" + session).path("closeReason").asText())
          .as("why session %s was closed", session)
          .isIn("relay-gone", "host-offline");
    }
    awaitGuestReportedSince(restarted);

    Instant asked = Instant.now();
    try (OpenConsole a = OpenConsole.open(stack, alice, vm, "interactive");
        OpenConsole b = OpenConsole.open(stack, admin, vm, "view")) {
      a.assertShowsPicture(PICTURE_WAIT);
      b.assertShowsPicture(PICTURE_WAIT);
      QemuVnc.awaitClients(domain, 2, QEMU_WAIT);
      System.out.printf(
          "chaos-host-agent: both consoles open again with fresh tokens %d ms after asking%n",
          Duration.between(asked, Instant.now()).toMillis());
    }
    QemuVnc.awaitClients(domain, 0, QEMU_WAIT);
  }

  /**
   * Kills the agent after a random number of pictures on both consoles; checks the consoles drop,
   * QEMU lists no client and a ticket is refused at once; starts the agent again and answers when.
   */
  private Instant killWhileShownAndStartAgain(OpenConsole a, OpenConsole b, Instant ticketAnswered)
      throws Exception {
    int pictures = ThreadLocalRandom.current().nextInt(1, 6);
    for (int i = 0; i < pictures; i++) {
      a.assertShowsPicture(PICTURE_WAIT);
      b.assertShowsPicture(PICTURE_WAIT);
    }
    Instant killed = Instant.now();
    StackProcess agent = StackProcess.hostAgent(stack.options().agentPort());
    agent.kill();
    for (OpenConsole c : List.of(a, b)) {
      assertThat(c.link().awaitClose(PICTURE_WAIT))
          .as("console %s after its host agent died", c.sessionId())
          .isNotNull();
    }
    QemuVnc.awaitClients(domain, 0, QEMU_WAIT);
    Instant asked = Instant.now();
    EngineClient.Answer whileDown = alice.requestConsole(vm, "interactive", false);
    Duration refusal = Duration.between(asked, Instant.now());
    assertThat(whileDown.status()).as(whileDown.body()).isEqualTo(503);
    assertThat(whileDown.body()).contains("host agent");
    assertThat(refusal).as("the refusal's time").isLessThan(REFUSAL);

    // The new agent refuses tokens issued before the whole second it starts in (iat is in whole
    // seconds): it starts a second after the unused ticket at the earliest.
    while (Instant.now().isBefore(ticketAnswered.plusSeconds(1))) {
      Thread.sleep(50);
    }
    Instant restarted = Instant.now();
    Duration start =
        agent.startAgain(stack.options().logDir().resolve("host-agent-chaos-restarted.log"));
    System.out.printf(
        "chaos-host-agent: killed after %d pictures; QEMU listed no client and a ticket was"
            + " refused in %d ms (%d ms after the kill); new agent listening in %d ms%n",
        pictures, refusal.toMillis(), Duration.between(killed, asked).toMillis(), start.toMillis());
    return restarted;
  }

  /**
   * Waits until the engine has a report of the demo VM's guest agent made after {@code since} (by
   * the new host agent, which followed its channel again) that says it is responsive.
   */
  private void awaitGuestReportedSince(Instant since) throws Exception {
    Instant deadline = Instant.now().plus(GUEST_WAIT);
    JsonNode state = admin.json("/vms/" + vm + "/guest").path("state");
    while (!reportedSince(state, since) && Instant.now().isBefore(deadline)) {
      Thread.sleep(500);
      state = admin.json("/vms/" + vm + "/guest").path("state");
    }
    assertThat(reportedSince(state, since))
        .as("a responsive guest report after the agent's restart (last: %s)", state)
        .isTrue();
  }

  private static boolean reportedSince(JsonNode state, Instant since) {
    String at = state.path("reportedAt").asText("");
    return state.path("responsive").asBoolean()
        && !at.isEmpty()
        && Instant.parse(at).isAfter(since);
  }
}
