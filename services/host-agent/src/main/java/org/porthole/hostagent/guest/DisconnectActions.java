package org.porthole.hostagent.guest;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayedConsole;

/**
 * Carries out a VM's disconnect action (flow 2 of the architecture) for the console that ended.
 * Only the end of an <em>interactive</em> console that QEMU had accepted, leaving no other
 * interactive console on the VM, starts the VM's grace; only a new interactive console of that VM
 * and of the same user being accepted by QEMU cancels it. Another user's interactive console
 * accepted within the grace makes the action run at once (its command is sent before that console
 * is greeted): nobody else ever sees the ended console's desktop. A view console never locks nor
 * unlocks anything, and a stray connection to QEMU is not a console at all. When the grace ends,
 * the action goes through the guest channel and its outcome is reported. {@link #applyNow} acts at
 * once (a takeover: the new holder must never see the old holder's desktop).
 *
 * <p>An outcome is <em>confirmed</em> only when the guest replied ok and, for lock-screen, its
 * state then says locked. A guest that is unresponsive when the grace ends is not asked at all: the
 * outcome is not confirmed with reason {@value #UNRESPONSIVE}, and nothing ever claims such a VM
 * locked.
 *
 * <p>Threading: relay callbacks arrive on relay threads and only count or schedule; the grace
 * timers run on one daemon thread ("disconnect-actions"), which only sends the command
 * (non-blocking); the outcome is reported from the guest loop when the reply (or its timeout)
 * comes. A VM's count change and its grace's start or cancel happen together under this object's
 * lock, and a grace acts only when no interactive console of its VM is live, so a typist's screen
 * is never locked by a grace that raced with the typist's console. Both maps are keyed by the
 * lower-cased VM UUID.
 */
public final class DisconnectActions implements RelayListener, AutoCloseable {
  /** The reason of an outcome whose guest did not answer in time or at all. */
  public static final String UNRESPONSIVE = "guest agent unresponsive";

  private static final Logger LOG = Logger.getLogger(DisconnectActions.class.getName());

  /** Where outcomes go (Kafka in production); called on any thread, must not block. */
  public interface Outcomes {
    void outcome(
        String vmUuid,
        ConsolePolicy.Action action,
        boolean confirmed,
        String reason,
        GuestSnapshot state);
  }

  /** How an action went: confirmed, or why not. */
  public record Outcome(ConsolePolicy.Action action, boolean confirmed, String reason) {}

  private final Guests guests;
  private final ConsolePolicies policies;
  private final Outcomes outcomes;
  private final Map<String, Grace> waiting = new ConcurrentHashMap<>();

  /** Interactive consoles QEMU accepted that still relay, per VM. */
  private final Map<String, Integer> interactive = new ConcurrentHashMap<>();

  private final ScheduledExecutorService timer;
  private final Predicate<String> leaving;

  public DisconnectActions(Guests guests, ConsolePolicies policies, Outcomes outcomes) {
    this(guests, policies, outcomes, vm -> false);
  }

  /**
   * {@code leaving} tells whether a VM is leaving this host by live migration: a grace that ends
   * then does not act here (the guest is going, and the destination's agent is told to wait for the
   * user instead, {@link #awaitReturn}).
   */
  public DisconnectActions(
      Guests guests, ConsolePolicies policies, Outcomes outcomes, Predicate<String> leaving) {
    this(
        guests,
        policies,
        outcomes,
        leaving,
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "disconnect-actions");
              t.setDaemon(true);
              return t;
            }));
  }

  /** With the timer the graces run on (tests pass theirs to know when a grace has run). */
  DisconnectActions(
      Guests guests,
      ConsolePolicies policies,
      Outcomes outcomes,
      Predicate<String> leaving,
      ScheduledExecutorService timer) {
    this.guests = guests;
    this.policies = policies;
    this.outcomes = outcomes;
    this.leaving = leaving;
    this.timer = timer;
  }

  @Override
  public void authenticated(RelayedConsole console) {
    if (console.viewOnly()) {
      return;
    }
    Grace other;
    synchronized (this) {
      interactive.merge(key(console.vmUuid()), 1, Integer::sum);
      Grace g = waiting.remove(key(console.vmUuid()));
      if (g == null) {
        return;
      }
      g.cancel();
      if (g.user != null && g.user.equals(console.user())) {
        LOG.log(
            Level.INFO,
            "console of domain {0} reconnected within the grace; no disconnect action",
            console.vmUuid());
        return;
      }
      other = g;
    }
    LOG.log(
        Level.INFO,
        "another user''s console of domain {0} within the grace; acting now",
        console.vmUuid());
    act(other.vmUuid, other.action);
  }

  @Override
  public void ended(RelayedConsole console) {
    if (console.viewOnly() || !console.authenticated()) {
      return;
    }
    synchronized (this) {
      Integer left =
          interactive.computeIfPresent(key(console.vmUuid()), (vm, n) -> n > 1 ? n - 1 : null);
      if (left == null) {
        disconnected(console.vmUuid(), console.user());
      }
    }
  }

  /**
   * Starts the VM's grace for a console of no known user: its action follows unless {@link
   * #applyNow} comes first (any interactive console accepted meanwhile runs it at once).
   */
  public void disconnected(String vmUuid) {
    disconnected(vmUuid, null);
  }

  /**
   * A live migration brought the VM here while {@code user} held its interactive console, which
   * ended with the old QEMU: starts the VM's grace for that user, lasting {@code waitMs} (at least
   * the policy's grace), unless an interactive console of the VM is already live here. Only their
   * console here cancels it; when it ends the VM's action runs, as after any disconnect.
   */
  public void awaitReturn(String vmUuid, String user, int waitMs) {
    long ms;
    synchronized (this) {
      if (interactive.containsKey(key(vmUuid))) {
        return;
      }
      ms = disconnected(vmUuid, user, waitMs);
    }
    if (ms > 0) {
      LOG.log(
          Level.INFO,
          "domain {0} arrived by live migration: waiting {1} ms for its console''s user to return",
          new Object[] {vmUuid, ms});
    }
  }

  /** Starts the VM's grace for {@code user}'s ended console (null: no known user). */
  private void disconnected(String vmUuid, String user) {
    disconnected(vmUuid, user, 0);
  }

  /**
   * The same, lasting at least {@code atLeastMs}; answers how long the grace was scheduled for, 0
   * when none was (no action, or after shutdown).
   */
  private long disconnected(String vmUuid, String user, int atLeastMs) {
    ConsolePolicy policy = policies.get(vmUuid);
    if (policy.action() == ConsolePolicy.Action.NONE) {
      return 0;
    }
    Grace grace = new Grace(vmUuid, user, policy.action());
    long ms = Math.max(atLeastMs, policy.graceMs());
    synchronized (this) {
      Grace previous = waiting.put(grace.key, grace);
      if (previous != null) {
        previous.cancel();
      }
      try {
        grace.scheduled = timer.schedule(grace, ms, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        waiting.remove(grace.key, grace);
        LOG.fine("disconnect after shutdown ignored");
        return 0;
      }
    }
    return ms;
  }

  /**
   * Applies the VM's disconnect action now, without grace (a pending grace is taken over), and
   * completes with its outcome; NONE when the policy has no action.
   */
  public CompletableFuture<Outcome> applyNow(String vmUuid) {
    synchronized (this) {
      Grace g = waiting.remove(key(vmUuid));
      if (g != null) {
        g.cancel();
      }
    }
    ConsolePolicy.Action action = policies.get(vmUuid).action();
    if (action == ConsolePolicy.Action.NONE) {
      return CompletableFuture.completedFuture(
          new Outcome(action, false, "the VM's console policy has no disconnect action"));
    }
    return act(vmUuid, action);
  }

  /** True while the VM's grace runs: its action is still due. */
  public boolean waiting(String vmUuid) {
    return waiting.containsKey(key(vmUuid));
  }

  private CompletableFuture<Outcome> act(String vmUuid, ConsolePolicy.Action action) {
    GuestSnapshot state = guests.state(vmUuid);
    if (!state.responsive()) {
      return CompletableFuture.completedFuture(report(vmUuid, action, false, UNRESPONSIVE, state));
    }
    GuestCommand.Kind kind = action.command().orElseThrow();
    return guests
        .command(vmUuid, GuestCommand.of(kind))
        .handle(
            (reply, error) -> {
              if (error != null) {
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                return report(
                    vmUuid,
                    action,
                    false,
                    UNRESPONSIVE + ": " + cause.getMessage(),
                    guests.state(vmUuid));
              }
              boolean confirmed =
                  action != ConsolePolicy.Action.LOCK_SCREEN || reply.state().locked();
              return report(
                  vmUuid,
                  action,
                  confirmed,
                  confirmed ? "" : "guest replied but does not report its session locked",
                  reply.state());
            });
  }

  private Outcome report(
      String vmUuid,
      ConsolePolicy.Action action,
      boolean confirmed,
      String reason,
      GuestSnapshot state) {
    LOG.log(
        confirmed ? Level.INFO : Level.WARNING,
        "disconnect action {0} on domain {1}: {2}{3}",
        new Object[] {
          action,
          vmUuid,
          confirmed ? "confirmed" : "NOT confirmed",
          reason.isEmpty() ? "" : " (" + reason + ")"
        });
    outcomes.outcome(vmUuid, action, confirmed, reason, state);
    return new Outcome(action, confirmed, reason);
  }

  private static String key(String vmUuid) {
    return vmUuid.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One VM's grace: acts when it ends unless it was taken out of {@code waiting} first. */
  private final class Grace implements Runnable {
    final String vmUuid;
    final String key;

    /** Whose console ended; only that user's new console cancels the action (null: nobody's). */
    final String user;

    final ConsolePolicy.Action action;
    volatile Future<?> scheduled;

    Grace(String vmUuid, String user, ConsolePolicy.Action action) {
      this.vmUuid = vmUuid;
      this.key = key(vmUuid);
      this.user = user;
      this.action = action;
    }

    @Override
    public void run() {
      synchronized (DisconnectActions.this) {
        if (!waiting.remove(key, this) || interactive.containsKey(key)) {
          return;
        }
      }
      if (leaving.test(vmUuid)) {
        LOG.log(
            Level.INFO,
            "disconnect action {0} on domain {1} not applied here: it moves to another host,"
                + " whose agent waits for the user",
            new Object[] {action, vmUuid});
        return;
      }
      act(vmUuid, action);
    }

    void cancel() {
      Future<?> f = scheduled;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
