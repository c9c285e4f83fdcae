package org.porthole.hostagent.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.LogCapture;
import org.porthole.hostagent.libvirt.FakeHypervisor;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.GraphicsSignal.Address;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.relay.RelayRegistry;

/** The reconnect window re-arms the last ticket after a disconnect and expires it after. */
class ReconnectWindowTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  private static final String PASSWORD = "Tk7pQ2xZ";

  final FakeTickets tickets = new FakeTickets(
      new FakeHypervisor().add(FakeHypervisor.runningOnSocket(VM, "vm1", "/tmp/x.sock")));
  final Map<String, Integer> windows = new ConcurrentHashMap<>();
  final ReconnectWindow window = new ReconnectWindow(tickets,
      vm -> windows.getOrDefault(vm, 120), Clock.systemUTC());

  @AfterEach
  void stop() {
    window.close();
  }

  final RelayRegistry registry = new RelayRegistry(Clock.systemUTC());

  private void disconnect() {
    window.onGraphics(new GraphicsSignal(VM, GraphicsSignal.Phase.DISCONNECT, Address.NONE,
        Address.NONE, "vnc", Instant.now()),
        Optional.of(registry.bind("session-1", VM, "198.51.100.4", 41000)));
  }

  @Test
  void foreignClientLeavingDoesNotReviveTheTicket() throws Exception {
    window.set(VM, PASSWORD, 120);
    tickets.expire(VM, Instant.now());
    window.onGraphics(new GraphicsSignal(VM, GraphicsSignal.Phase.DISCONNECT, Address.NONE,
        Address.NONE, "vnc", Instant.now()), Optional.empty());
    assertThat(tickets.password(VM)).isNull();
  }

  @Test
  void disconnectReArmsTheLastTicketAndTheWindowEndExpiresIt() throws Exception {
    windows.put(VM, 1);
    window.set(VM, PASSWORD, 120);
    tickets.expire(VM, Instant.now()); // INITIALIZE: the one login used it
    assertThat(tickets.password(VM)).isNull();
    try (LogCapture logs = new LogCapture()) {
      disconnect();
      assertThat(tickets.password(VM)).isEqualTo(PASSWORD);
      Thread.sleep(1500);
      assertThat(tickets.password(VM)).isNull();
      assertThat(tickets.expired()).hasSize(2);
      assertThat(window.holds(VM)).isFalse();
      assertThat(logs.all()).contains("re-armed").doesNotContain(PASSWORD);
    }
    disconnect();
    assertThat(tickets.password(VM)).as("after the window a new ticket is needed").isNull();
  }

  @Test
  void endingTheSessionExpiresItsUnusedTicketAndNeverReArmsIt() throws Exception {
    window.set(VM, PASSWORD, 120, "session-1");
    assertThat(window.endSessions(VM, Set.of("session-2"))).as("another session's").isFalse();
    assertThat(tickets.password(VM)).isEqualTo(PASSWORD);
    assertThat(window.endSessions(VM.toUpperCase(), Set.of("session-1"))).isTrue();
    assertThat(tickets.password(VM)).isNull();
    assertThat(window.holds(VM)).isFalse();
    disconnect();
    assertThat(tickets.password(VM)).as("an ended session's ticket is not re-armed").isNull();
    assertThat(window.endSessions(VM, Set.of("session-1"))).isFalse();
  }

  @Test
  void endingTheSessionOfAUsedTicketForgetsItWithoutCallingItUnused() throws Exception {
    window.set(VM, PASSWORD, 120, "session-1");
    window.expire(VM, Instant.now()); // INITIALIZE
    assertThat(window.endSessions(VM, Set.of("session-1"))).isFalse();
    disconnect();
    assertThat(tickets.password(VM)).isNull();
  }

  @Test
  void endingTheSessionDuringItsReconnectWindowExpiresTheReArmedPassword() throws Exception {
    window.set(VM, PASSWORD, 120, "session-1");
    window.expire(VM, Instant.now());
    disconnect();
    assertThat(tickets.password(VM)).isEqualTo(PASSWORD);
    assertThat(window.endSessions(VM, Set.of("session-1"))).isTrue();
    assertThat(tickets.password(VM)).isNull();
  }

  @Test
  void theEndOfAnOlderConsoleDoesNotReviveANewerSessionsTicket() throws Exception {
    window.set(VM, PASSWORD, 120, "session-1");
    window.expire(VM, Instant.now()); // session-1 logged in
    window.set(VM, "n3wT1ck3", 120, "session-2");
    window.expire(VM, Instant.now()); // session-2 logged in too
    disconnect(); // session-1's relay ends
    assertThat(tickets.password(VM)).as("session-2's used ticket stays used").isNull();
    window.onGraphics(new GraphicsSignal(VM, GraphicsSignal.Phase.DISCONNECT, Address.NONE,
        Address.NONE, "vnc", Instant.now()),
        Optional.of(registry.bind("session-2", VM, "198.51.100.4", 41001)));
    assertThat(tickets.password(VM)).as("session-2's own end re-arms it").isEqualTo("n3wT1ck3");
  }

  @Test
  void windowZeroDisablesTheReArm() throws Exception {
    windows.put(VM, 0);
    window.set(VM, PASSWORD, 120);
    tickets.expire(VM, Instant.now());
    disconnect();
    assertThat(tickets.password(VM)).isNull();
  }

  @Test
  void newTicketReplacesTheRememberedOneAndEndsItsWindow() throws Exception {
    windows.put(VM, 1);
    window.set(VM, PASSWORD, 120);
    disconnect();
    window.set(VM, "n3wT1ck3", 120);
    Thread.sleep(1500);
    assertThat(tickets.password(VM)).as("the old window's end leaves the new ticket alone")
        .isEqualTo("n3wT1ck3");
    tickets.expire(VM, Instant.now());
    disconnect();
    assertThat(tickets.password(VM)).isEqualTo("n3wT1ck3");
  }

  @Test
  void domainStartAppliesTheHeldTicketAgainOrExpiresThePassword() throws Exception {
    window.onLifecycle(new LifecycleSignal(VM, "vm1", "STARTED", "BOOTED", Instant.now()));
    assertThat(tickets.expired()).containsExactly(VM);
    window.set(VM, PASSWORD, 120);
    tickets.expire(VM, Instant.now());
    window.onLifecycle(new LifecycleSignal(VM, "vm1", "STARTED", "MIGRATED", Instant.now()));
    assertThat(tickets.password(VM)).isEqualTo(PASSWORD);
  }

  @Test
  void heldTicketNeverAppearsInToString() throws Exception {
    window.set(VM, PASSWORD, 120);
    assertThat(String.valueOf(window)).doesNotContain(PASSWORD);
  }
}
