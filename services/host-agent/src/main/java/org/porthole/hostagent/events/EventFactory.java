package org.porthole.hostagent.events;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.porthole.api.events.v1.DisconnectActionOutcome;
import org.porthole.api.events.v1.GraphicsEvent;
import org.porthole.api.events.v1.GraphicsPhase;
import org.porthole.api.events.v1.GuestEvent;
import org.porthole.api.events.v1.GuestEventKind;
import org.porthole.api.events.v1.HostEvent;
import org.porthole.api.events.v1.HostEventKind;
import org.porthole.api.events.v1.LifecycleEvent;
import org.porthole.api.events.v1.SsoOutcome;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.grpc.DomainMapping;
import org.porthole.hostagent.grpc.GuestMapping;
import org.porthole.hostagent.guest.ConsolePolicy;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.hostagent.guest.SsoReport;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.relay.RelayedConsole;

/** Builds the porthole.events.v1 messages, each with a fresh event id for idempotent consumers. */
public final class EventFactory {
  /** The relay authenticates to QEMU with VNC Authentication, as libvirt would report it. */
  static final String RELAY_AUTH_SCHEME = "vnc";

  private final AgentIdentity identity;
  private final Clock clock;

  /**
   * The boot id host events carry: the process's at first, a new one each time the engine should
   * learn the host's inventory again ({@link #renewBootId}).
   */
  private volatile String bootId;

  public EventFactory(AgentIdentity identity, Clock clock) {
    this.identity = identity;
    this.clock = clock;
    this.bootId = identity.bootId();
  }

  /**
   * Gives the following host events a new boot id, so the engine lists the host's domains again (it
   * relearns on every new boot id): for when the agent may have missed libvirt's events.
   */
  public void renewBootId() {
    bootId = UUID.randomUUID().toString();
  }

  public HostEvent heartbeat() {
    return host(HostEventKind.HOST_EVENT_KIND_HEARTBEAT);
  }

  public HostEvent goodbye() {
    return host(HostEventKind.HOST_EVENT_KIND_GOODBYE);
  }

  /** A graphics event; session and client address come from the matched relay, if any. */
  public GraphicsEvent graphics(GraphicsSignal s, Optional<RelayRegistry.Binding> relay) {
    return GraphicsEvent.newBuilder()
        .setEventId(newId())
        .setVmUuid(s.vmUuid())
        .setHostId(identity.hostId())
        .setSessionId(relay.map(RelayRegistry.Binding::sessionId).orElse(""))
        .setPhase(phase(s.phase()))
        .setOccurredAtEpochMs(s.at().toEpochMilli())
        .setAuthScheme(s.authScheme())
        .setClientAddress(
            relay.map(RelayRegistry.Binding::clientAddress).orElse(s.remote().toString()))
        .build();
  }

  /** A graphics event reported by a relay itself, with its session and client address. */
  public GraphicsEvent relayGraphics(GraphicsPhase phase, RelayedConsole console) {
    return GraphicsEvent.newBuilder()
        .setEventId(newId())
        .setVmUuid(console.vmUuid())
        .setHostId(identity.hostId())
        .setSessionId(console.sessionId())
        .setPhase(phase)
        .setOccurredAtEpochMs(clock.millis())
        .setAuthScheme(RELAY_AUTH_SCHEME)
        .setClientAddress(console.clientAddress())
        .build();
  }

  /** A lifecycle event; {@code domain} is the state read after the event, when it still exists. */
  public LifecycleEvent lifecycle(LifecycleSignal s, Optional<DomainView> domain) {
    LifecycleEvent.Builder b =
        LifecycleEvent.newBuilder()
            .setEventId(newId())
            .setVmUuid(s.vmUuid())
            .setHostId(identity.hostId())
            .setName(s.name())
            .setDetail(s.describe())
            .setOccurredAtEpochMs(s.at().toEpochMilli())
            .setState(
                domain
                    .map(d -> DomainMapping.toProto(d.state()))
                    .orElse(DomainState.DOMAIN_STATE_SHUTOFF));
    domain.ifPresent(d -> b.setDomain(DomainMapping.toProto(d)));
    return b.build();
  }

  /** A guest's new state (responsiveness, lock, users, agent version changed). */
  public GuestEvent guestState(GuestSnapshot state) {
    return guest(GuestEventKind.GUEST_EVENT_KIND_STATE, state).build();
  }

  /** How a disconnect action went; {@code reason} is empty when confirmed. */
  public GuestEvent disconnectAction(
      GuestSnapshot state, ConsolePolicy.Action action, boolean confirmed, String reason) {
    return guest(GuestEventKind.GUEST_EVENT_KIND_DISCONNECT_ACTION, state)
        .setAction(
            DisconnectActionOutcome.newBuilder()
                .setAction(GuestMapping.toProto(action))
                .setConfirmed(confirmed)
                .setReason(reason))
        .build();
  }

  /** A guest's SSO outcome (guest input, already bounded by {@code GuestInput}). */
  public GuestEvent ssoOutcome(GuestSnapshot state, SsoReport r) {
    return guest(GuestEventKind.GUEST_EVENT_KIND_SSO, state)
        .setSso(
            SsoOutcome.newBuilder()
                .setSessionId(r.sessionId())
                .setOutcome(r.outcome())
                .setCode(r.code())
                .setPrincipal(r.principal())
                .setUser(r.user())
                .setDelegated(r.delegated())
                .setDelivered(r.delivered()))
        .build();
  }

  private GuestEvent.Builder guest(GuestEventKind kind, GuestSnapshot state) {
    return GuestEvent.newBuilder()
        .setEventId(newId())
        .setVmUuid(state.vmUuid())
        .setHostId(identity.hostId())
        .setKind(kind)
        .setOccurredAtEpochMs(clock.millis())
        .setState(GuestMapping.toProto(state));
  }

  private HostEvent host(HostEventKind kind) {
    return HostEvent.newBuilder()
        .setEventId(newId())
        .setHostId(identity.hostId())
        .setKind(kind)
        .setAgentVersion(identity.agentVersion())
        .addAllApiVersions(AgentIdentity.API_VERSIONS)
        .setOccurredAtEpochMs(clock.millis())
        .setHeartbeatTimeoutSeconds(AgentIdentity.HEARTBEAT_TIMEOUT_SECONDS)
        .setBootId(bootId)
        .build();
  }

  private static GraphicsPhase phase(GraphicsSignal.Phase p) {
    return switch (p) {
      case CONNECT -> GraphicsPhase.GRAPHICS_PHASE_CONNECT;
      case INITIALIZE -> GraphicsPhase.GRAPHICS_PHASE_INITIALIZE;
      case DISCONNECT -> GraphicsPhase.GRAPHICS_PHASE_DISCONNECT;
    };
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
