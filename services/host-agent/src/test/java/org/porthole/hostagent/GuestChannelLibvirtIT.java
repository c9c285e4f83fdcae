package org.porthole.hostagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.libvirt.Domain;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.guest.ConsolePolicy;
import org.porthole.hostagent.guest.DisconnectActions;
import org.porthole.hostagent.guest.GuestChannels;
import org.porthole.hostagent.guest.GuestCommand;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.hostagent.guest.GuestTimings;
import org.porthole.hostagent.guest.LibvirtGuestSockets;
import org.porthole.hostagent.libvirt.LibvirtInventory;
import org.porthole.hostagent.libvirt.LibvirtSession;
import org.porthole.hostagent.libvirt.LifecycleEvents;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.hostagent.ticket.StartedDomains;
import org.porthole.hostagent.ticket.TicketService;
import org.porthole.status.PortholeStatus;

/**
 * The guest channel against real libvirt and QEMU (TCG), with no guest agent inside (the guest
 * image with the agent is part 3): the socket is found in the live XML libvirt completes, the agent
 * connects to QEMU's end, an agent-less guest stays unresponsive and a disconnect action on it is
 * reported unconfirmed; lifecycle events stop the channel; the reconnect window re-arms and expires
 * the real VNC password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestChannelLibvirtIT {
  static final String VNC = "<graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='x'/>";
  static final String CONTROL =
      "<channel type='unix'><source mode='bind'/>"
          + "<target type='virtio' name='org.porthole.guest.0'/></channel>";
  static final GuestTimings FAST =
      new GuestTimings(
          Duration.ofMillis(200),
          3,
          Duration.ofSeconds(2),
          Duration.ofMillis(50),
          Duration.ofMillis(500));

  final Clock clock = Clock.systemUTC();
  final List<GuestSnapshot> changes = new CopyOnWriteArrayList<>();
  LibvirtSession session;
  TestDomains domains;
  GuestChannels channels;
  LifecycleEvents lifecycle;

  @BeforeAll
  void start() throws Exception {
    session = LibvirtSession.open(HostAgentLibvirtIT.URI);
    domains = new TestDomains(session.connect());
    domains.sweep();
    channels =
        new GuestChannels(
            new LibvirtGuestSockets(session.connect()), FAST, clock, "it", changes::add);
    lifecycle = LifecycleEvents.register(session, channels::onLifecycle, clock);
  }

  @AfterAll
  void stop() throws Exception {
    lifecycle.close();
    channels.close();
    domains.close();
    session.close();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void agentLessGuestIsFollowedButUnresponsiveAndNeverConfirmedLocked() throws Exception {
    Domain d = domains.start("guest", VNC + CONTROL);
    String vm = d.getUUIDString();
    Optional<Path> socket = new LibvirtGuestSockets(session.connect()).controlSocket(vm);
    assertThat(socket).as("libvirt fills in the channel's path").isPresent();
    assertThat(Files.exists(socket.get())).isTrue();

    channels.domainStarted(vm);
    await("the agent follows the channel", () -> channels.state(vm).channel());
    Thread.sleep(1000);
    GuestSnapshot s = channels.state(vm);
    assertThat(s.connected()).as("no hello from a guest without agent").isFalse();
    assertThat(s.responsive()).isFalse();
    assertThat(s.locked()).isFalse();
    try {
      channels.command(vm, GuestCommand.of(GuestCommand.Kind.LOCK_SCREEN)).get(5, TimeUnit.SECONDS);
      throw new AssertionError("a command to an agent-less guest succeeded");
    } catch (ExecutionException e) {
      assertThat(((AgentException) e.getCause()).status())
          .isEqualTo(PortholeStatus.UPSTREAM_UNAVAILABLE);
    }

    ConsolePolicies policies = new ConsolePolicies();
    policies.set(vm, ConsolePolicy.of(ConsolePolicy.Action.LOCK_SCREEN, 0, 0));
    List<String> outcomes = new CopyOnWriteArrayList<>();
    try (DisconnectActions actions =
        new DisconnectActions(
            channels,
            policies,
            (v, action, confirmed, reason, state) -> outcomes.add(confirmed + ":" + reason))) {
      actions.disconnected(vm);
      await("an outcome", () -> !outcomes.isEmpty());
    }
    assertThat(outcomes).containsExactly("false:" + DisconnectActions.UNRESPONSIVE);

    d.destroy();
    await("the channel is dropped after STOPPED", () -> !channels.state(vm).channel());
  }

  @Test
  void domainWithoutTheChannelIsNotFollowed() throws Exception {
    Domain d = domains.start("nochannel", VNC);
    String vm = d.getUUIDString();
    assertThat(new LibvirtGuestSockets(session.connect()).controlSocket(vm)).isEmpty();
    channels.domainStarted(vm);
    assertThat(channels.state(vm).channel()).isFalse();
  }

  @Test
  void relayPasswordIsSetForSecondsAndExpiredWhenItsTurnEnds() throws Exception {
    Domain d = domains.start("turn", VNC);
    String vm = d.getUUIDString();
    PasswordTurns turns = new PasswordTurns(new TicketService(session.connect(), clock));
    try {
      CompletableFuture<String> armed = new CompletableFuture<>();
      turns.enter(
          vm,
          t -> {
            try {
              String password = t.arm();
              armed.complete(
                  password.equals(TestDomains.passwd(d)) ? password : "not what libvirt holds");
            } catch (AgentException e) {
              armed.completeExceptionally(e);
            } finally {
              t.leave();
            }
          });
      String password = armed.get(30, TimeUnit.SECONDS);
      assertThat(password).hasSize(8);
      turns.expire(vm).get(30, TimeUnit.SECONDS); // after the relay's turn ended
      assertThat(TestDomains.passwd(d)).isNotEqualTo(password);
      assertThat(passwdValidTo(d)).as("already expired").isBefore(Instant.now());
      new StartedDomains(turns)
          .onLifecycle(new LifecycleSignal(vm, "turn", "STARTED", "BOOTED", Instant.now()));
      turns.expire(vm).get(30, TimeUnit.SECONDS); // after the start's expiry
      assertThat(TestDomains.passwd(d))
          .as("after a start the definition's password is replaced")
          .isNotEqualTo("x");
    } finally {
      turns.close();
    }
  }

  private static Instant passwdValidTo(Domain d) throws Exception {
    String xml = d.getXMLDesc(LibvirtInventory.XML_SECURE);
    int i = xml.indexOf("passwdValidTo='");
    return java.time.LocalDateTime.parse(xml.substring(i + 15, xml.indexOf('\'', i + 15)))
        .toInstant(java.time.ZoneOffset.UTC);
  }
}
