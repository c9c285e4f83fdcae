package org.porthole.hostagent;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.events.DomainEventListener;
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
 * <p>After an outage (not at start) it also has the engine learn the host's inventory again ({@code
 * relearn}): domains defined, started, stopped or removed meanwhile sent no lifecycle event the
 * agent heard.
 *
 * <p>It remembers the running domains by libvirt ID (new at every start) after each reconciliation
 * and each lifecycle event, so a domain restarted during an outage counts as started. The domains
 * running when the connection was lost are kept apart from then until a reconciliation succeeds: a
 * lifecycle event handled meanwhile (the events are registered again before this reconciles) lists
 * the domains on the new connection, and the domains started during the outage must not count as
 * known before they are compared.
 *
 * <p>Threading: {@link #lost} and {@link #restored} run on the caller's thread (start, or the
 * reconnect thread) under this object's lock, {@link #onLifecycle} on the domain-events worker; the
 * expiries wait for their VM's turn.
 */
final class RunningDomainsReconciliation implements LibvirtReconnect.Outage, DomainEventListener {
  private static final Logger LOG = Logger.getLogger(RunningDomainsReconciliation.class.getName());

  /** The running domains' UUIDs by libvirt ID, on the current connection. */
  @FunctionalInterface
  interface RunningDomains {
    Map<Integer, String> byId() throws AgentException;
  }

  private final RunningDomains running;
  private final Consumer<List<String>> channels;
  private final PasswordTurns turns;
  private final Runnable relearn;
  private volatile Map<Integer, String> known;

  /** Guarded by this: an outage is being reconciled, {@link #beforeOutage} holds its baseline. */
  private boolean outage;

  /** Guarded by this: what ran when the connection was lost (null: nothing known yet). */
  private Map<Integer, String> beforeOutage;

  /**
   * @param running lists the running domains on the current connection
   * @param channels follows the guest channels of exactly the domains it is given
   * @param relearn asks the engine to list the host's domains again (after an outage)
   */
  RunningDomainsReconciliation(
      RunningDomains running,
      Consumer<List<String>> channels,
      PasswordTurns turns,
      Runnable relearn) {
    this.running = running;
    this.channels = channels;
    this.turns = turns;
    this.relearn = relearn;
  }

  /**
   * Keeps what ran when the connection was lost, as the baseline of the next reconciliation; a
   * second loss before a reconciliation succeeded keeps the first one's.
   */
  @Override
  public synchronized void lost() {
    if (!outage) {
      outage = true;
      beforeOutage = known;
    }
  }

  /**
   * Reconciles now (at start: follows the guest channels and remembers what runs); a libvirt
   * failure is thrown, and the reconnect thread then tries again.
   */
  @Override
  public synchronized void restored() throws AgentException {
    Map<Integer, String> now = running.byId();
    channels.accept(List.copyOf(now.values()));
    Map<Integer, String> before = outage ? beforeOutage : known;
    known = now;
    outage = false;
    beforeOutage = null;
    if (before == null) {
      return;
    }
    List<String> started =
        now.entrySet().stream()
            .filter(e -> !e.getValue().equals(before.get(e.getKey())))
            .map(Map.Entry::getValue)
            .toList();
    started.forEach(this::expire);
    relearn.run();
    LOG.log(
        Level.INFO,
        "{0} running domain(s), {1} started while libvirt was unreachable (VNC password"
            + " expired); the engine is asked to learn the inventory again",
        new Object[] {now.size(), started.size()});
  }

  @Override
  public void onLifecycle(LifecycleSignal signal) {
    try {
      known = running.byId();
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
