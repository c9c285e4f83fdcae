package org.porthole.hostagent;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.hostagent.events.DomainEventRouter;
import org.porthole.hostagent.events.EventFactory;
import org.porthole.hostagent.events.EventSink;
import org.porthole.hostagent.guest.DisconnectActions;
import org.porthole.hostagent.guest.GuestChannels;
import org.porthole.hostagent.guest.GuestTimings;
import org.porthole.hostagent.guest.LibvirtGuestSockets;
import org.porthole.hostagent.libvirt.DomainEventWatch;
import org.porthole.hostagent.libvirt.GraphicsHandover;
import org.porthole.hostagent.libvirt.LibvirtInventory;
import org.porthole.hostagent.libvirt.LibvirtReconnect;
import org.porthole.hostagent.libvirt.LibvirtSession;
import org.porthole.hostagent.relay.VncHandoffs;
import org.porthole.hostagent.relay.VncTargets;
import org.porthole.hostagent.ticket.PasswordTurns;
import org.porthole.hostagent.ticket.StartedDomains;
import org.porthole.hostagent.ticket.TicketService;

/**
 * The agent's backend: one libvirt connection for inventory, VNC passwords, domain events, guest
 * channels and handing relay connections to QEMU's unix-socket VNC servers, reopened when lost (the
 * event registrations made again, the running domains reconciled). Consoles go to the VNC server of
 * the VM their token names; guest states and disconnect actions are published as events.
 */
public final class LibvirtBackend implements AgentBackend {
  private static final Logger LOG = Logger.getLogger(LibvirtBackend.class.getName());

  @Override
  public Opened open(Wiring w) throws AgentException {
    EventSink sink = w.sink().orElseThrow();
    EventFactory factory = w.factory();
    LibvirtSession libvirt = w.push(LibvirtSession.open(w.config().libvirtUri()));
    LibvirtReconnect reconnect = w.push(LibvirtReconnect.start(libvirt));
    LibvirtInventory inventory = new LibvirtInventory(libvirt, reconnect);
    PasswordTurns turns = w.passwordTurns(new TicketService(libvirt::connect, w.clock()));
    LibvirtGuestSockets sockets = new LibvirtGuestSockets(libvirt::connect);
    GuestChannels channels =
        w.push(
            new GuestChannels(
                sockets,
                GuestTimings.DEFAULT,
                w.clock(),
                w.identity().agentVersion(),
                state ->
                    sink.publish(
                        EventTopics.Stream.GUESTS, state.vmUuid(), factory.guestState(state))));
    publishSsoOutcomes(channels, sink, factory);
    DisconnectActions actions =
        w.push(
            new DisconnectActions(
                channels,
                w.policies(),
                (vm, action, confirmed, reason, state) ->
                    sink.publish(
                        EventTopics.Stream.GUESTS,
                        vm,
                        factory.disconnectAction(state, action, confirmed, reason)),
                w.registry()::leaving));
    RunningDomainsReconciliation reconcile =
        new RunningDomainsReconciliation(
            sockets::runningDomainIds, channels::reconcile, turns, factory::renewBootId);
    DomainEventRouter router =
        w.push(
            new DomainEventRouter(
                w.registry(),
                turns,
                inventory,
                sink,
                factory,
                List.of(channels, new StartedDomains(turns), reconcile)));
    reconnect.add(
        w.push(
            DomainEventWatch.register(
                libvirt, router::onGraphics, router::onLifecycle, w.clock())));
    reconnect.add(reconciledAtStart(reconcile));
    // Closed again (idempotent) before its listeners' parts: no reopen or restore runs while they
    // close (the parts close in reverse order).
    w.push(reconnect);
    VncHandoffs handoffs = w.push(new VncHandoffs(new GraphicsHandover(libvirt)::handOver));
    return new Opened(
        inventory,
        new VncTargets(inventory, handoffs),
        turns,
        channels,
        actions,
        List.of(actions),
        sockets::ssoSocket);
  }

  private static void publishSsoOutcomes(
      GuestChannels channels, EventSink sink, EventFactory factory) {
    channels.addSsoListener(
        r ->
            sink.publish(
                EventTopics.Stream.GUESTS,
                r.vmUuid(),
                factory.ssoOutcome(channels.state(r.vmUuid()), r)));
  }

  /** A failure at start is logged: the domains are reconciled by their events from then on. */
  private static RunningDomainsReconciliation reconciledAtStart(
      RunningDomainsReconciliation reconcile) {
    try {
      reconcile.restored();
    } catch (AgentException e) {
      LOG.log(Level.WARNING, "initial scan of running domains failed: {0}", e.getMessage());
    }
    return reconcile;
  }
}
