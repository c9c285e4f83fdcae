package org.porthole.hostagent;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.events.DomainEventListener;
import org.porthole.hostagent.guest.GuestChannels;
import org.porthole.hostagent.guest.LibvirtGuestSockets;
import org.porthole.hostagent.libvirt.LibvirtReconnect;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.ticket.PasswordTurns;

/**
 * What the agent brings in line with libvirt when it starts and each time its connection is back:
 * the guest channels of the running domains (started or stopped while no event could be heard), and
 * the VNC password of each domain that started meanwhile expired, as {@code StartedDomains} does on
 * a start it hears (such a domain still has its definition's password). Domains running before the
 * outage keep their password state: the agent's own consoles ended with the outage, and their
 * one-time passwords expire by themselves.
 *
 * <p>It remembers the running domains by libvirt ID (new at every start) after each reconciliation
 * and each lifecycle event, so a domain restarted during an outage counts as started.
 *
 * <p>Threading: {@link #restored} runs on the caller's thread (start, or the reconnect thread),
 * {@link #onLifecycle} on the domain-events worker; the expiries wait for their VM's turn.
 */
final class RunningDomainsReconciliation implements LibvirtReconnect.Outage, DomainEventListener {
  private static final Logger LOG = Logger.getLogger(RunningDomainsReconciliation.class.getName());

  private final LibvirtGuestSockets sockets;
  private final GuestChannels channels;
  private final PasswordTurns turns;
  private volatile Map<Integer, String> known;

  RunningDomainsReconciliation(
      LibvirtGuestSockets sockets, GuestChannels channels, PasswordTurns turns) {
    this.sockets = sockets;
    this.channels = channels;
    this.turns = turns;
  }

  /**
   * Reconciles now (at start: follows the guest channels and remembers what runs); a libvirt
   * failure is thrown, and the reconnect thread then tries again.
   */
  @Override
  public void restored() throws AgentException {
    Map<Integer, String> running = sockets.runningDomainIds();
    channels.reconcile(List.copyOf(running.values()));
    Map<Integer, String> before = known;
    known = running;
    if (before == null) {
      return;
    }
    List<String> started =
        running.entrySet().stream()
            .filter(e -> !e.getValue().equals(before.get(e.getKey())))
            .map(Map.Entry::getValue)
            .toList();
    started.forEach(this::expire);
    LOG.log(
        Level.INFO,
        "{0} running domain(s), {1} started while libvirt was unreachable (VNC password expired)",
        new Object[] {running.size(), started.size()});
  }

  @Override
  public void onLifecycle(LifecycleSignal signal) {
    try {
      known = sockets.runningDomainIds();
    } catch (AgentException e) {
      // The connection is being lost: the next reconciliation expires what this missed.
      LOG.log(Level.FINE, "cannot list the running domains: {0}", e.getMessage());
    }
  }

  private void expire(String vm) {
    turns
        .expire(vm)
        .whenComplete(
            (done, e) -> {
              if (e != null) {
                LOG.log(
                    Level.INFO,
                    "cannot expire the VNC password of domain {0}: {1}",
                    new Object[] {vm, e.getMessage()});
              }
            });
  }
}
