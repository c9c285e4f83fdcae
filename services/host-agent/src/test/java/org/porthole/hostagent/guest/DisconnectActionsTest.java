package org.porthole.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.relay.RelayedConsole;
import org.porthole.status.PortholeStatus;

/**
 * Disconnect actions driven by relay lifecycle: only an interactive console's end starts the grace,
 * only a new interactive console cancels it, applyNow acts at once; what counts as confirmed.
 */
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
    return new GuestSnapshot(
        VM,
        true,
        true,
        true,
        "porthole-guest-agent",
        "0.1.0",
        1,
        Optional.of(Instant.now()),
        GuestSnapshot.GuestFacts.NONE,
        session,
        "i-1",
        "");
  }

  final ScriptedGuests guests = new ScriptedGuests();
  final ConsolePolicies policies = new ConsolePolicies();
  final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

  /** The graces' timer: a marker scheduled on it after a grace runs after that grace. */
  final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

  /** VMs leaving this host by live migration. */
  final Set<String> leaving = ConcurrentHashMap.newKeySet();

  final DisconnectActions actions =
      new DisconnectActions(
          guests,
          policies,
          (vm, action, confirmed, reason, state) ->
              outcomes.add(new Outcome(vm, action, confirmed, reason)),
          leaving::contains,
          timer);

  @AfterEach
  void stop() {
    actions.close();
  }

  private static RelayedConsole interactive(String session) {
    return new RelayedConsole(session, VM, "alice", false, "192.0.2.7", Instant.now());
  }

  private static RelayedConsole view(String session) {
    return new RelayedConsole(session, VM, "bob", true, "192.0.2.8", Instant.now());
  }

  /** A console that reached QEMU and then ends. */
  private void openAndEnd(RelayedConsole c) {
    actions.authenticated(c);
    actions.ended(c);
  }

  /** Returns once every grace scheduled so far with at most {@code graceMs} has run. */
  private void awaitGracesRun(long graceMs) throws Exception {
    timer.schedule(() -> {}, graceMs, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
  }

  private void awaitOutcome() throws InterruptedException {
    long end = System.currentTimeMillis() + 30_000;
    while (outcomes.isEmpty() && System.currentTimeMillis() < end) {
      Thread.sleep(10);
    }
    assertThat(outcomes).hasSize(1);
  }

  @Test
  void lockAfterTheGraceIsConfirmedWhenTheGuestReportsLocked() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 100, 0));
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(Map.of("session", "locked"), responsive(GuestSnapshot.Session.LOCKED)));
    long start = System.nanoTime();
    openAndEnd(interactive("s-1"));
    awaitOutcome();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(100);
    assertThat(guests.sent)
        .extracting(GuestCommand::kind)
        .containsExactly(GuestCommand.Kind.LOCK_SCREEN);
    assertThat(outcomes.get(0))
        .isEqualTo(new Outcome(VM, ConsolePolicy.Action.LOCK_SCREEN, true, ""));
  }

  @Test
  void interactiveReconnectWithinTheGraceCancelsTheAction() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 300, 0));
    openAndEnd(interactive("s-1"));
    assertThat(actions.waiting(VM)).isTrue();
    actions.authenticated(interactive("s-2"));
    assertThat(actions.waiting(VM)).isFalse();
    awaitGracesRun(300);
    assertThat(guests.sent).isEmpty();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void aVmArrivedByMigrationLocksWhenItsUserDoesNotReturnWithinTheWait() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 50, 0));
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(Map.of("session", "locked"), responsive(GuestSnapshot.Session.LOCKED)));
    long start = System.nanoTime();
    actions.awaitReturn(VM, "alice", 200);
    assertThat(actions.waiting(VM)).isTrue();
    awaitOutcome();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("the wait, not the policy's shorter grace")
        .isGreaterThanOrEqualTo(200);
    assertThat(outcomes.get(0))
        .isEqualTo(new Outcome(VM, ConsolePolicy.Action.LOCK_SCREEN, true, ""));
  }

  @Test
  void aVmArrivedByMigrationIsLeftAloneWhenItsUserReturnsOrIsAlreadyBack() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 50, 0));
    actions.awaitReturn(VM, "alice", 300);
    actions.authenticated(interactive("s-2"));
    assertThat(actions.waiting(VM)).as("alice is back").isFalse();

    actions.awaitReturn(VM, "alice", 300);
    assertThat(actions.waiting(VM)).as("her console is live here already").isFalse();
    awaitGracesRun(300);
    assertThat(guests.sent).isEmpty();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void theSourceOfAMigrationDoesNotActWhenTheGraceEnds() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 50, 0));
    openAndEnd(interactive("s-1"));
    leaving.add(VM);
    awaitGracesRun(50);
    assertThat(actions.waiting(VM)).isFalse();
    assertThat(guests.sent).isEmpty();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void viewConsoleEndingNeverStartsTheLock() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 0, 0));
    actions.authenticated(interactive("typist"));
    openAndEnd(view("watcher"));
    assertThat(actions.waiting(VM)).isFalse();
    Thread.sleep(200);
    assertThat(guests.sent).as("the typist's screen stays unlocked").isEmpty();
  }

  @Test
  void viewConsoleOrAnUnacceptedConsoleDoesNotCancelAPendingLock() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 300, 0));
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(Map.of("session", "locked"), responsive(GuestSnapshot.Session.LOCKED)));
    openAndEnd(interactive("s-1"));
    actions.authenticated(view("watcher"));
    actions.ended(new RelayedConsole("never-accepted", VM, "eve", false, "192.0.2.9", null));
    assertThat(actions.waiting(VM)).isTrue();
    awaitOutcome();
    assertThat(guests.sent)
        .extracting(GuestCommand::kind)
        .containsExactly(GuestCommand.Kind.LOCK_SCREEN);
  }

  @Test
  void anotherInteractiveConsoleLeftOpenKeepsTheScreenUnlocked() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 0, 0));
    actions.authenticated(interactive("tab-1"));
    openAndEnd(interactive("tab-2"));
    assertThat(actions.waiting(VM)).isFalse();
  }

  @Test
  void otherUsersConsoleWithinTheGraceLocksFirst() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 60_000, 0));
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(Map.of("session", "locked"), responsive(GuestSnapshot.Session.LOCKED)));
    openAndEnd(interactive("alices"));
    actions.authenticated(new RelayedConsole("bobs", VM, "bob", false, "192.0.2.9", Instant.now()));
    assertThat(guests.sent)
        .as("locked as bob's console is accepted, not after the grace")
        .extracting(GuestCommand::kind)
        .containsExactly(GuestCommand.Kind.LOCK_SCREEN);
    assertThat(outcomes)
        .containsExactly(new Outcome(VM, ConsolePolicy.Action.LOCK_SCREEN, true, ""));
    assertThat(actions.waiting(VM)).isFalse();
  }

  @Test
  void graceEndingWhileATypistIsConnectedNeverLocksTheTypistsScreen() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 0, 0));
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(Map.of("session", "locked"), responsive(GuestSnapshot.Session.LOCKED)));
    actions.authenticated(interactive("typist"));
    actions.disconnected(VM);
    awaitGracesRun(0);
    assertThat(guests.sent).as("the grace re-checks the live consoles").isEmpty();
    assertThat(actions.waiting(VM)).isFalse();
  }

  @Test
  void reconnectUnderADifferentlyCasedVmUuidStillCancelsTheLock() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 200, 0));
    openAndEnd(interactive("s-1"));
    actions.authenticated(
        new RelayedConsole(
            "s-2",
            VM.toUpperCase(java.util.Locale.ROOT),
            "alice",
            false,
            "192.0.2.7",
            Instant.now()));
    assertThat(actions.waiting(VM)).isFalse();
    awaitGracesRun(200);
    assertThat(guests.sent).isEmpty();
    assertThat(outcomes).isEmpty();
  }

  @Test
  void applyNowLocksWithoutGraceAndTakesOverAPendingGrace() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 60_000, 0));
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(Map.of("session", "locked"), responsive(GuestSnapshot.Session.LOCKED)));
    openAndEnd(interactive("taken-over"));
    DisconnectActions.Outcome o = actions.applyNow(VM).get(5, TimeUnit.SECONDS);
    assertThat(o)
        .isEqualTo(new DisconnectActions.Outcome(ConsolePolicy.Action.LOCK_SCREEN, true, ""));
    assertThat(actions.waiting(VM)).as("the grace is taken over, not run again").isFalse();
    assertThat(guests.sent).hasSize(1);
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
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(
                Map.of("session", "unlocked"), responsive(GuestSnapshot.Session.UNLOCKED)));
    actions.disconnected(VM);
    awaitOutcome();
    assertThat(outcomes.get(0).confirmed()).isFalse();
    assertThat(outcomes.get(0).reason()).contains("does not report its session locked");
  }

  @Test
  void commandThatTimesOutIsNotConfirmed() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOG_OFF, 0, 0));
    guests.next =
        CompletableFuture.failedFuture(
            new AgentException(
                PortholeStatus.UPSTREAM_UNAVAILABLE, "did not reply within 15000 ms"));
    actions.disconnected(VM);
    awaitOutcome();
    assertThat(outcomes.get(0).action()).isEqualTo(ConsolePolicy.Action.LOG_OFF);
    assertThat(outcomes.get(0).confirmed()).isFalse();
    assertThat(outcomes.get(0).reason())
        .startsWith(DisconnectActions.UNRESPONSIVE)
        .contains("did not reply");
  }

  @Test
  void logOffNeedsOnlyTheGuestsOk() throws Exception {
    policies.set(VM, ConsolePolicy.of(ConsolePolicy.Action.LOG_OFF, 0, 0));
    guests.next =
        CompletableFuture.completedFuture(
            new GuestReply(
                Map.of("session", "logged-off"), responsive(GuestSnapshot.Session.LOGGED_OFF)));
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
