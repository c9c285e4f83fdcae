package org.porthole.hostagent.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.MessageLite;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.HostEventKind;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.libvirt.FakeHypervisor;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.GraphicsSignal.Address;
import org.porthole.hostagent.libvirt.GraphicsSignal.Family;
import org.porthole.hostagent.libvirt.GraphicsSignal.Phase;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.ticket.FakeTickets;
import org.porthole.hostagent.ticket.PasswordTurns;

class DomainEventRouterTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  private static final AgentIdentity ID =
      new AgentIdentity("agent-1:9443", "agent-1", "test", "boot-7", Instant.EPOCH);

  record Published(EventTopics.Stream topic, String key, MessageLite value) {}

  final List<Published> published = new CopyOnWriteArrayList<>();
  final EventSink sink = (t, k, v) -> published.add(new Published(t, k, v));
  final FakeHypervisor hypervisor =
      new FakeHypervisor().add(FakeHypervisor.runningOnSocket(VM, "web-1", "/tmp/x.sock"));
  final FakeTickets tickets = new FakeTickets(hypervisor);
  final RelayRegistry registry = new RelayRegistry(Clock.systemUTC());
  final EventFactory factory = new EventFactory(ID, Clock.systemUTC());
  final PasswordTurns turns = new PasswordTurns(tickets);
  final DomainEventRouter router =
      new DomainEventRouter(registry, turns, hypervisor, sink, factory);

  @AfterEach
  void stop() {
    turns.close();
  }

  private static GraphicsSignal signal(Phase phase, String clientPort) {
    return new GraphicsSignal(
        VM,
        phase,
        new Address(Family.IPV4, "127.0.0.1", clientPort),
        new Address(Family.IPV4, "127.0.0.1", "5900"),
        "vnc",
        Instant.ofEpochMilli(1234));
  }

  private GraphicsEvent lastGraphics() {
    Published p = published.get(published.size() - 1);
    assertThat(p.topic()).isEqualTo(EventTopics.Stream.GRAPHICS);
    assertThat(p.key()).isEqualTo(VM);
    return (GraphicsEvent) p.value();
  }

  /** Returns once every password turn of the VM queued so far has ended (expiries run async). */
  private void afterQueuedTurns() throws Exception {
    CompletableFuture<Void> marker = new CompletableFuture<>();
    turns.enter(VM, t -> t.leave().whenComplete((v, e) -> marker.complete(null)));
    marker.get(30, TimeUnit.SECONDS);
  }

  @Test
  void relaysOwnEventsAreLeftToTheRelayAndExpireNothing() throws Exception {
    registry.bind("session-1", VM, "198.51.100.4", 41000);
    router.handleGraphics(signal(Phase.CONNECT, "41000"));
    router.handleGraphics(signal(Phase.INITIALIZE, "41000"));
    afterQueuedTurns();
    assertThat(tickets.expired()).as("the relay expired its own password already").isEmpty();
    assertThat(published).as("the relay publishes its own events").isEmpty();
  }

  @Test
  void directLoginExpiresThePasswordAndIsPublishedWithoutSession() throws Exception {
    registry.bind("session-1", VM, "198.51.100.4", 41000);
    router.handleGraphics(signal(Phase.INITIALIZE, "52000"));
    afterQueuedTurns();
    assertThat(tickets.expired()).containsExactly(VM);
    GraphicsEvent e = lastGraphics();
    assertThat(e.getSessionId()).isEmpty();
    assertThat(e.getPhase()).isEqualTo(GraphicsPhase.GRAPHICS_PHASE_INITIALIZE);
    assertThat(e.getClientAddress()).isEqualTo("127.0.0.1:52000");
    assertThat(e.getHostId()).isEqualTo("agent-1:9443");
    assertThat(e.getOccurredAtEpochMs()).isEqualTo(1234);
    assertThat(e.getEventId()).isNotBlank();
  }

  @Test
  void unixSocketInitializeIsTheRelaysOnlyWhileOneAwaitsIt() throws Exception {
    RelayRegistry.Binding b = registry.bind("session-1", VM, "c", -1);
    GraphicsSignal unix =
        new GraphicsSignal(
            VM,
            Phase.INITIALIZE,
            new Address(Family.UNIX, "", ""),
            Address.NONE,
            "vnc",
            Instant.ofEpochMilli(1234));
    registry.expectInitialize(b, true);
    router.handleGraphics(unix);
    afterQueuedTurns();
    assertThat(tickets.expired()).isEmpty();
    router.handleGraphics(unix);
    afterQueuedTurns();
    assertThat(tickets.expired())
        .as("a second login on the socket is not the relay's")
        .containsExactly(VM);
    assertThat(lastGraphics().getSessionId()).isEmpty();
  }

  @Test
  void disconnectForgetsTheRelayAndAForeignOneIsPublished() {
    RelayRegistry.Binding b = registry.bind("session-1", VM, "c", 41000);
    registry.release(b);
    router.handleGraphics(signal(Phase.DISCONNECT, "41000"));
    assertThat(published).isEmpty();
    router.handleGraphics(signal(Phase.DISCONNECT, "41000"));
    assertThat(lastGraphics().getSessionId()).isEmpty();
    assertThat(lastGraphics().getPhase()).isEqualTo(GraphicsPhase.GRAPHICS_PHASE_DISCONNECT);
  }

  @Test
  void lifecycleEventCarriesTheDomainAsItIsNow() {
    router.handleLifecycle(new LifecycleSignal(VM, "web-1", "STARTED", "BOOTED", Instant.EPOCH));
    LifecycleEvent e = (LifecycleEvent) published.get(0).value();
    assertThat(published.get(0).topic()).isEqualTo(EventTopics.Stream.LIFECYCLE);
    assertThat(e.getDetail()).isEqualTo("STARTED/BOOTED");
    assertThat(e.getState()).isEqualTo(DomainState.DOMAIN_STATE_RUNNING);
    assertThat(e.getDomain().getGraphics().getPasswordCapable()).isTrue();
  }

  @Test
  void aDomainLeavesByMigrationFromItsLastCopyUntilAnotherEventSaysOtherwise() {
    router.handleLifecycle(
        new LifecycleSignal(VM, "web-1", "SUSPENDED", "MIGRATED", Instant.EPOCH));
    assertThat(registry.leaving(VM.toUpperCase(java.util.Locale.ROOT))).isTrue();
    router.handleLifecycle(new LifecycleSignal(VM, "web-1", "STOPPED", "MIGRATED", Instant.EPOCH));
    assertThat(registry.leaving(VM)).isTrue();

    // A failed migration resumes the source: its consoles end for other reasons from then on.
    router.handleLifecycle(new LifecycleSignal(VM, "web-1", "RESUMED", "MIGRATED", Instant.EPOCH));
    assertThat(registry.leaving(VM)).isFalse();
    router.handleLifecycle(new LifecycleSignal(VM, "web-1", "SUSPENDED", "PAUSED", Instant.EPOCH));
    assertThat(registry.leaving(VM)).isFalse();
    // The destination's arrival is not a departure.
    router.handleLifecycle(new LifecycleSignal(VM, "web-1", "STARTED", "MIGRATED", Instant.EPOCH));
    assertThat(registry.leaving(VM)).isFalse();
  }

  @Test
  void undefinedDomainIsPublishedWithoutDomain() {
    router.handleLifecycle(new LifecycleSignal(VM, "web-1", "UNDEFINED", "REMOVED", Instant.EPOCH));
    LifecycleEvent e = (LifecycleEvent) published.get(0).value();
    assertThat(e.hasDomain()).isFalse();
    assertThat(e.getState()).isEqualTo(DomainState.DOMAIN_STATE_SHUTOFF);
  }

  @Test
  void listenersHearEveryLifecycleEventAndOneFailureDoesNotStopTheOthers() {
    List<String> heard = new CopyOnWriteArrayList<>();
    DomainEventListener failing =
        new DomainEventListener() {
          @Override
          public void onLifecycle(LifecycleSignal s) {
            throw new IllegalStateException("boom");
          }
        };
    DomainEventListener recording =
        new DomainEventListener() {
          @Override
          public void onLifecycle(LifecycleSignal s) {
            heard.add(s.type());
          }
        };
    DomainEventRouter withListeners =
        new DomainEventRouter(
            registry, turns, hypervisor, sink, factory, List.of(failing, recording));
    withListeners.handleLifecycle(
        new LifecycleSignal(VM, "web-1", "STARTED", "BOOTED", Instant.EPOCH));
    assertThat(heard).containsExactly("STARTED");
    assertThat(published).hasSize(1);
  }

  @Test
  void startedDomainsPasswordIsExpiredSoTheStaticOneNeverWorks() throws Exception {
    new org.porthole.hostagent.ticket.StartedDomains(turns)
        .onLifecycle(new LifecycleSignal(VM, "web-1", "STARTED", "MIGRATED", Instant.EPOCH));
    afterQueuedTurns();
    assertThat(tickets.expired()).containsExactly(VM);
  }

  @Test
  void guestEventsGoToTheirOwnTopicWhichBootstrapCreates() {
    assertThat(EventTopics.hostTopics(ID.hostId()))
        .contains("porthole.host.agent-1_3a9443.guests.v1");
    org.porthole.hostagent.guest.GuestSnapshot state =
        org.porthole.hostagent.guest.GuestSnapshot.none(VM);
    org.porthole.api.events.v1.GuestEvent e =
        factory.disconnectAction(
            state,
            org.porthole.hostagent.guest.ConsolePolicy.Action.LOCK_SCREEN,
            false,
            "guest agent unresponsive");
    assertThat(e.getKind())
        .isEqualTo(org.porthole.api.events.v1.GuestEventKind.GUEST_EVENT_KIND_DISCONNECT_ACTION);
    assertThat(e.getAction().getConfirmed()).isFalse();
    assertThat(e.getAction().getReason()).isEqualTo("guest agent unresponsive");
    assertThat(e.getState().getLocked()).isFalse();
    assertThat(e.getVmUuid()).isEqualTo(VM);
    assertThat(e.getHostId()).isEqualTo("agent-1:9443");
    assertThat(factory.guestState(state).getKind())
        .isEqualTo(org.porthole.api.events.v1.GuestEventKind.GUEST_EVENT_KIND_STATE);
  }

  @Test
  void heartbeatAndGoodbyeCarryIdentityAndTimeout() {
    HostEvent hb = factory.heartbeat();
    assertThat(hb.getKind()).isEqualTo(HostEventKind.HOST_EVENT_KIND_HEARTBEAT);
    assertThat(hb.getBootId()).isEqualTo("boot-7");
    assertThat(hb.getHeartbeatTimeoutSeconds()).isEqualTo(15);
    assertThat(hb.getApiVersionsList()).containsExactly("porthole.hostagent.v1");
    assertThat(factory.goodbye().getKind()).isEqualTo(HostEventKind.HOST_EVENT_KIND_GOODBYE);
    assertThat(factory.goodbye().getEventId()).isNotEqualTo(factory.goodbye().getEventId());
  }
}
