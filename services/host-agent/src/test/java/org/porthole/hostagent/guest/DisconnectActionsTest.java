package org.porthole.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.GraphicsSignal.Address;
import org.porthole.hostagent.libvirt.GraphicsSignal.Phase;
import org.porthole.status.PortholeStatus;

/** Disconnect actions: grace, cancellation by a reconnect, and what counts as confirmed. */
class DisconnectActionsTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  record Outcome(String vm, ConsolePolicy.Action action, boolean confirmed, String reason) {}

  /** Guests whose state and replies the test sets. */
  static final class ScriptedGuests implements Guests {
    volatile GuestSnapshot state = responsive(GuestSnapshot.Session.UNLOCKED);
    volatile CompletableFuture<GuestReply> next;
    final List<GuestCommand> sent = new CopyOnWriteArrayList<>();

    @Override
    public GuestSnapshot state(String vmUuid) {
      return state;
    }

    @Override
    public CompletableFuture<GuestReply> command(String vmUuid, GuestCommand command) {
      sent.add(command);
      return next;
    }
  }

  static GuestSnapshot responsive(GuestSnapshot.Session session) {
    return new GuestSnapshot(VM, true, true, true, "porthole-guest-agent", "0.1.0", 1,
        Optional.of(Instant.now()), GuestSnapshot.GuestFacts.NONE, session, "i-1");
  }

  final ScriptedGuests guests = new ScriptedGuests();
  final ConsolePolicies policies = new ConsolePolicies();
  final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  final DisconnectActions actions = new DisconnectActions(guests, policies,
      (vm, action, confirmed, reason, state) -> outcomes.add(new Outcome(vm, action, confirmed, reason)));

  @AfterEach
  void stop() {
    actions.close();
  }

  private static GraphicsSignal signal(Phase phase) {
    return new GraphicsSignal(VM, phase, Address.NONE, Address.NONE, "vnc", Instant.now());
  }

  private void awaitOutcome() throws InterruptedException {
    long end = System.currentTimeMillis() + 5000;
    while (outcomes.isEmpty() && System.currentTimeMillis() < end) {
      Thread.sleep(10);
    }
    assertThat(outcomes).hasSize(1);
  }

  @Test
  void lockAfterTheGraceIsConfirmedWhenTheGuestReportsLocked() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 100, 0));
    guests.next = CompletableFuture.completedFuture(new GuestReply(Map.of("session", "locked"),
        responsive(GuestSnapshot.Session.LOCKED)));
    long start = System.nanoTime();
    actions.onGraphics(signal(Phase.DISCONNECT), Optional.empty());
    awaitOutcome();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(100);
    assertThat(guests.sent).extracting(GuestCommand::kind).containsExactly(GuestCommand.Kind.LOCK_SCREEN);
    assertThat(outcomes.get(0)).isEqualTo(new Outcome(VM, ConsolePolicy.Action.LOCK_SCREEN, true, ""));
  }

  @Test
  void reconnectWithinTheGraceCancelsTheAction() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 300, 0));
    actions.onGraphics(signal(Phase.DISCONNECT), Optional.empty());
    assertThat(actions.waiting(VM)).isTrue();
    actions.onGraphics(signal(Phase.CONNECT), Optional.empty());
    assertThat(actions.waiting(VM)).isFalse();
    Thread.sleep(500);
    assertThat(guests.sent).isEmpty();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void unresponsiveGuestIsNotAskedAndNeverClaimedLocked() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 0, 0));
    guests.state = responsive(GuestSnapshot.Session.LOCKED).withConnection(true, true, false);
    actions.disconnected(VM);
    awaitOutcome();
    assertThat(guests.sent).isEmpty();
    assertThat(outcomes.get(0).confirmed()).isFalse();
    assertThat(outcomes.get(0).reason()).isEqualTo(DisconnectActions.UNRESPONSIVE);
  }

  @Test
  void okWithoutALockedSessionIsNotConfirmed() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 0, 0));
    guests.next = CompletableFuture.completedFuture(new GuestReply(Map.of("session", "unlocked"),
        responsive(GuestSnapshot.Session.UNLOCKED)));
    actions.disconnected(VM);
    awaitOutcome();
    assertThat(outcomes.get(0).confirmed()).isFalse();
    assertThat(outcomes.get(0).reason()).contains("does not report its session locked");
  }

  @Test
  void commandThatTimesOutIsNotConfirmed() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOG_OFF, 0, 0));
    guests.next = CompletableFuture.failedFuture(new AgentException(
        PortholeStatus.UPSTREAM_UNAVAILABLE, "did not reply within 15000 ms"));
    actions.disconnected(VM);
    awaitOutcome();
    assertThat(outcomes.get(0).action()).isEqualTo(ConsolePolicy.Action.LOG_OFF);
    assertThat(outcomes.get(0).confirmed()).isFalse();
    assertThat(outcomes.get(0).reason()).startsWith(DisconnectActions.UNRESPONSIVE)
        .contains("did not reply");
  }

  @Test
  void logOffNeedsOnlyTheGuestsOk() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOG_OFF, 0, 0));
    guests.next = CompletableFuture.completedFuture(new GuestReply(Map.of("session", "logged-off"),
        responsive(GuestSnapshot.Session.LOGGED_OFF)));
    actions.disconnected(VM);
    awaitOutcome();
    assertThat(outcomes.get(0).confirmed()).isTrue();
  }

  @Test
  void policyNoneDoesNothing() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.NONE, 0, 0));
    actions.disconnected(VM);
    Thread.sleep(200);
    assertThat(guests.sent).isEmpty();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void defaultPolicyLocksAfterTwoSecondsAndRevivesFor120() {
    ConsolePolicy p = policies.get(VM);
    assertThat(p).isEqualTo(new ConsolePolicy(ConsolePolicy.Action.LOCK_SCREEN, 2000, 120));
  }

  @Test
  void policyOutOfRangeIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 60_001, 0))
        .hasMessageContaining("grace_ms");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 0, 601))
        .hasMessageContaining("reconnect_window_s");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConsolePolicy.of(null, 0, 0))
        .hasMessageContaining("disconnect_action");
  }
}
