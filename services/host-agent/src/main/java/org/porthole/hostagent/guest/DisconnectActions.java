package org.porthole.hostagent.guest;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.events.DomainEventListener;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.relay.RelayRegistry;

/**
 * Carries out a VM's disconnect action (issue 4, flow 2 of the architecture): on a GRAPHICS
 * DISCONNECT it waits the VM's grace; a CONNECT or INITIALIZE for that VM within the grace
 * cancels; otherwise it sends the action through the guest channel and reports the outcome.
 *
 * <p>An outcome is <em>confirmed</em> only when the guest replied ok and, for lock-screen, its
 * state then says locked. A guest that is unresponsive when the grace ends is not asked at
 * all: the outcome is not confirmed with reason {@value #UNRESPONSIVE}, and nothing ever
 * claims such a VM locked.
 *
 * <p>Threading: graphics events arrive on the router's worker; the grace timers run on one
 * daemon thread ("disconnect-actions"), which only sends the command (non-blocking); the
 * outcome is reported from the guest loop when the reply (or its timeout) comes.
 */
public final class DisconnectActions implements DomainEventListener, AutoCloseable {
  /** The reason of an outcome whose guest did not answer in time or at all. */
  public static final String UNRESPONSIVE = "guest agent unresponsive";
  private static final Logger LOG = Logger.getLogger(DisconnectActions.class.getName());

  /** Where outcomes go (Kafka in production); called on any thread, must not block. */
  public interface Outcomes {
    void outcome(String vmUuid, ConsolePolicy.Action action, boolean confirmed, String reason,
        GuestSnapshot state);
  }

  private final Guests guests;
  private final ConsolePolicies policies;
  private final Outcomes outcomes;
  private final Map<String, Grace> waiting = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "disconnect-actions");
    t.setDaemon(true);
    return t;
  });

  public DisconnectActions(Guests guests, ConsolePolicies policies, Outcomes outcomes) {
    this.guests = guests;
    this.policies = policies;
    this.outcomes = outcomes;
  }

  @Override
  public void onGraphics(GraphicsSignal s, Optional<RelayRegistry.Binding> relay) {
    switch (s.phase()) {
      case DISCONNECT -> disconnected(s.vmUuid());
      case CONNECT, INITIALIZE -> reconnected(s.vmUuid());
    }
  }

  /** Starts the VM's grace; its action follows unless {@link #reconnected} comes first. */
  public void disconnected(String vmUuid) {
    ConsolePolicy policy = policies.get(vmUuid);
    if (policy.action() == ConsolePolicy.Action.NONE) {
      return;
    }
    Grace grace = new Grace(vmUuid, policy.action());
    Grace previous = waiting.put(vmUuid, grace);
    if (previous != null) {
      previous.cancel();
    }
    try {
      grace.scheduled = timer.schedule(grace, policy.graceMs(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      waiting.remove(vmUuid, grace);
      LOG.fine("disconnect after shutdown ignored");
    }
  }

  /** A viewer (re)connected: a pending action for the VM is cancelled. */
  public void reconnected(String vmUuid) {
    Grace g = waiting.remove(vmUuid);
    if (g != null) {
      g.cancel();
      LOG.log(Level.INFO, "console of domain {0} reconnected within the grace; no disconnect action",
          vmUuid);
    }
  }

  /** True while the VM's grace runs (tests). */
  boolean waiting(String vmUuid) {
    return waiting.containsKey(vmUuid);
  }

  private void act(String vmUuid, ConsolePolicy.Action action) {
    GuestSnapshot state = guests.state(vmUuid);
    if (!state.responsive()) {
      report(vmUuid, action, false, UNRESPONSIVE, state);
      return;
    }
    GuestCommand.Kind kind = action.command().orElseThrow();
    guests.command(vmUuid, GuestCommand.of(kind)).whenComplete((reply, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        report(vmUuid, action, false, UNRESPONSIVE + ": " + cause.getMessage(),
            guests.state(vmUuid));
        return;
      }
      boolean confirmed = action != ConsolePolicy.Action.LOCK_SCREEN || reply.state().locked();
      report(vmUuid, action, confirmed,
          confirmed ? "" : "guest replied but does not report its session locked", reply.state());
    });
  }

  private void report(String vmUuid, ConsolePolicy.Action action, boolean confirmed, String reason,
      GuestSnapshot state) {
    LOG.log(confirmed ? Level.INFO : Level.WARNING, "disconnect action {0} on domain {1}: {2}{3}",
        new Object[] {action, vmUuid, confirmed ? "confirmed" : "NOT confirmed",
            reason.isEmpty() ? "" : " (" + reason + ")"});
    outcomes.outcome(vmUuid, action, confirmed, reason, state);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One VM's grace: acts when it ends unless it was taken out of {@code waiting} first. */
  private final class Grace implements Runnable {
    final String vmUuid;
    final ConsolePolicy.Action action;
    volatile Future<?> scheduled;

    Grace(String vmUuid, ConsolePolicy.Action action) {
      this.vmUuid = vmUuid;
      this.action = action;
    }

    @Override
    public void run() {
      if (waiting.remove(vmUuid, this)) {
        act(vmUuid, action);
      }
    }

    void cancel() {
      Future<?> f = scheduled;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
