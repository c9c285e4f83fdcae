package org.porthole.hostagent.ticket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.events.DomainEventListener;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.relay.RelayRegistry;

/**
 * The reconnect window (issue 4; the seeds' step 11) and the password after a domain restart.
 * Wraps the real {@link GraphicsTickets} and remembers, in memory only and never logged, the
 * last ticket set per VM.
 *
 * <ul>
 *   <li>GRAPHICS DISCONNECT of a Porthole console (a relay matched the event): the last
 *       ticket is set again for the VM's window (0 = off), so a
 *       native viewer that cannot ask for a new ticket can reconnect with the one it holds.
 *       When the window ends the password is expired again (a random, already expired one)
 *       and the ticket is forgotten. A reconnect within the window logs in once (INITIALIZE
 *       expires the password again, as for any ticket); a disconnect within the window opens
 *       a new one. QEMU's {@code passwdValidTo} ends the window even if this timer does not.</li>
 *   <li>A new ticket replaces the remembered one and closes its window.</li>
 *   <li>Ending the ticket's console session (EndConsoles) forgets it, so it is never re-armed,
 *       and expires the password.</li>
 *   <li>Lifecycle STARTED (a restart, a migration's arrival): QEMU starts with the definition's
 *       static password; the remembered ticket is applied again until its own expiry, or,
 *       with none still valid, the password is expired so the static one never works.</li>
 * </ul>
 *
 * <p>Threading: calls come from the gRPC call pool (set) and the domain event worker; window
 * ends run on one daemon thread. Every method that reads the held ticket and then changes the
 * password runs under this object's lock, libvirt call included (the wrapped
 * {@link TicketService} serializes those calls anyway): otherwise a DISCONNECT that read the
 * old ticket could set its password after a new ticket was set, and the new viewer's login
 * would fail (seen in e2e: a view ticket's VNC auth refused right after another console ended).
 */
public final class ReconnectWindow implements SessionTickets, DomainEventListener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ReconnectWindow.class.getName());

  private final GraphicsTickets tickets;
  private final ToIntFunction<String> windowSeconds;
  private final Clock clock;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "reconnect-window");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param tickets the real tickets
   * @param windowSeconds the VM's reconnect window in seconds (its console policy)
   */
  public ReconnectWindow(GraphicsTickets tickets, ToIntFunction<String> windowSeconds, Clock clock) {
    this.tickets = tickets;
    this.windowSeconds = windowSeconds;
    this.clock = clock;
  }

  /**
   * The ticket a VM's viewer holds: password, end of its own validity, its console session,
   * and until when the password opens QEMU now (null once a login used it). Never logged.
   */
  private static final class Held {
    final String password;
    final Instant validTo;
    final String sessionId;
    volatile Instant armedAt;
    volatile Instant opensUntil;
    Future<?> windowEnd;

    Held(String password, Instant validTo, String sessionId, Instant armedAt) {
      this.password = password;
      this.validTo = validTo;
      this.sessionId = sessionId;
      this.armedAt = armedAt;
      this.opensUntil = validTo;
    }

    @Override
    public String toString() {
      return "Held[password=***]";
    }
  }

  @Override
  public Instant set(String vmUuid, String password, int validSeconds) throws AgentException {
    return set(vmUuid, password, validSeconds, "");
  }

  @Override
  public synchronized Instant set(String vmUuid, String password, int validSeconds, String sessionId)
      throws AgentException {
    Instant armedAt = clock.instant();
    Instant until = tickets.set(vmUuid, password, validSeconds);
    Held previous = held.put(key(vmUuid), new Held(password, until, sessionId, armedAt));
    if (previous != null) {
      cancel(previous);
    }
    return until;
  }

  /** A login used the password (or a window ended): it opens nothing until re-armed. */
  @Override
  public synchronized void expire(String vmUuid, Instant usedAt) throws AgentException {
    tickets.expire(vmUuid, usedAt);
    Held h = held.get(key(vmUuid));
    if (h != null && !usedAt.isBefore(h.armedAt)) {
      h.opensUntil = null;
    }
  }

  /**
   * The password is expired whenever the ticket belongs to one of the sessions (one libvirt
   * update, harmless when a login used it already); the answer says whether it still opened
   * QEMU. A domain that is not running has no password to expire: false.
   */
  @Override
  public synchronized boolean endSessions(String vmUuid, Set<String> sessionIds) {
    String vm = key(vmUuid);
    Held h = held.get(vm);
    if (h == null || !sessionIds.contains(h.sessionId) || !held.remove(vm, h)) {
      return false;
    }
    cancel(h);
    Instant now = clock.instant();
    Instant opens = h.opensUntil;
    try {
      tickets.expire(vm, now);
    } catch (AgentException e) {
      LOG.log(Level.INFO, "cannot expire the ticket of ended session {0} on domain {1}: {2}",
          new Object[] {h.sessionId, vm, e.getMessage()});
      return false;
    }
    LOG.log(Level.INFO, "ticket of ended session {0} on domain {1} forgotten and expired",
        new Object[] {h.sessionId, vm});
    return opens != null && opens.isAfter(now);
  }

  @Override
  public void onGraphics(GraphicsSignal s, Optional<RelayRegistry.Binding> relay) {
    // Only a Porthole console's end revives its ticket: a foreign TCP client (a failed guess
    // on the loopback port) connecting and leaving must not keep the ticket alive. On a unix
    // socket only privileged local processes connect, and the registry cannot always match a
    // relay that already closed, so a unix-socket disconnect counts as the console's.
    boolean ours = relay.isPresent() || s.remote().family() == GraphicsSignal.Family.UNIX;
    if (s.phase() == GraphicsSignal.Phase.DISCONNECT && ours) {
      disconnected(s.vmUuid(), relay.map(RelayRegistry.Binding::sessionId).orElse(""));
    }
  }

  @Override
  public void onLifecycle(LifecycleSignal s) {
    if ("STARTED".equals(s.type())) {
      started(s.vmUuid());
    } else if ("UNDEFINED".equals(s.type())) {
      forget(s.vmUuid());
    }
  }

  /** Re-arms the VM's last ticket for its window. */
  public void disconnected(String vmUuid) {
    disconnected(vmUuid, "");
  }

  /**
   * Re-arms the VM's last ticket for its window when the console that ended is that ticket's
   * ({@code sessionId} empty when unknown, e.g. a unix-socket client): the end of an older
   * console must not revive a newer ticket of another session.
   */
  public synchronized void disconnected(String vmUuid, String sessionId) {
    String vm = key(vmUuid);
    Held h = held.get(vm);
    int window = windowSeconds.applyAsInt(vm);
    if (h == null || window <= 0) {
      return;
    }
    if (!sessionId.isEmpty() && !h.sessionId.isEmpty() && !sessionId.equals(h.sessionId)) {
      return;
    }
    cancel(h);
    Instant rearmedAt = clock.instant();
    try {
      tickets.set(vm, h.password, Math.min(window, TicketRules.MAX_SECONDS));
      h.armedAt = rearmedAt;
      h.opensUntil = rearmedAt.plusSeconds(Math.min(window, TicketRules.MAX_SECONDS));
    } catch (AgentException e) {
      LOG.log(Level.WARNING, "cannot re-arm the ticket of domain {0}: {1}",
          new Object[] {vm, e.getMessage()});
      return;
    }
    Instant armedAt = clock.instant();
    try {
      h.windowEnd = timer.schedule(() -> windowEnded(vm, h, armedAt), window, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      return;
    }
    LOG.log(Level.INFO, "ticket of domain {0} re-armed for a reconnect within {1} s",
        new Object[] {vm, window});
  }

  /** After a (re)start: the remembered ticket again, or an expired password; never the static one. */
  public synchronized void started(String vmUuid) {
    String vm = key(vmUuid);
    Held h = held.get(vm);
    Instant now = clock.instant();
    long left = h == null ? 0 : Duration.between(now, h.validTo).getSeconds();
    try {
      if (left >= TicketRules.MIN_SECONDS) {
        tickets.set(vm, h.password, (int) Math.min(left, TicketRules.MAX_SECONDS));
        h.armedAt = now;
        h.opensUntil = h.validTo;
        LOG.log(Level.INFO, "ticket of domain {0} applied again after its start", vm);
      } else {
        tickets.expire(vm, now);
        LOG.log(Level.INFO, "password of domain {0} expired after its start", vm);
      }
    } catch (AgentException e) {
      LOG.log(Level.INFO, "cannot set the password of domain {0} after its start: {1}",
          new Object[] {vm, e.getMessage()});
    }
  }

  /** True while a ticket is remembered for the VM (tests). */
  boolean holds(String vmUuid) {
    return held.containsKey(key(vmUuid));
  }

  private synchronized void windowEnded(String vm, Held h, Instant armedAt) {
    if (!held.remove(vm, h)) {
      return; // a new ticket took its place
    }
    try {
      tickets.expire(vm, armedAt);
      LOG.log(Level.INFO, "reconnect window of domain {0} ended; password expired", vm);
    } catch (AgentException e) {
      LOG.log(Level.INFO, "cannot expire the password of domain {0} after its window: {1}",
          new Object[] {vm, e.getMessage()});
    }
  }

  private synchronized void forget(String vmUuid) {
    Held h = held.remove(key(vmUuid));
    if (h != null) {
      cancel(h);
    }
  }

  private static void cancel(Held h) {
    Future<?> f = h.windowEnd;
    if (f != null) {
      f.cancel(false);
    }
  }

  private static String key(String vmUuid) {
    return vmUuid == null ? "" : vmUuid.trim().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    held.clear();
  }
}
