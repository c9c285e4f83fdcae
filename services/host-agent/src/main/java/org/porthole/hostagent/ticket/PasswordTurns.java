package org.porthole.hostagent.ticket;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Every change of a running domain's VNC password, serialized per VM. A console's relay holds its
 * VM's turn from setting a fresh one-time password until QEMU accepted it and the password was
 * expired again (milliseconds); an expiry after a direct login or a domain start takes a turn too.
 * So two consoles of one VM never replace each other's password, and no expiry lands between a
 * relay's set and its authentication. Different VMs proceed in parallel.
 *
 * <p>A turn holds its VM for at most {@link #TURN_LIMIT} (configurable for tests): every password
 * it set has expired by itself by then, so the VM's next turn starts even when the holder or a
 * libvirt call hangs. A libvirt call still running at that moment marks the VM unresponsive: its
 * later turns refuse at once (their consoles end with that reason) until the call returns, so a
 * hung VM holds at most one libvirt call and one thread, and never another VM's turns.
 *
 * <p>Threading: turns start on the {@code console-passwords} threads, created on demand (libvirt
 * calls block; at most one call per VM runs at a time, so the threads are bounded by the host's
 * VMs); a VM's next turn starts only after the previous one ended ({@link Turn#leave}, from any
 * thread, or its limit). The queues are guarded by their map's lock, held only to add or take a
 * turn.
 */
public final class PasswordTurns implements AutoCloseable {
  /** A relay's password expires by itself this long after it was set, should the agent die. */
  public static final int ARM_SECONDS = 15;

  /**
   * The longest a turn holds its VM: {@link #ARM_SECONDS}, plus the second {@code passwdValidTo} is
   * rounded up by, plus a margin. A password set within the turn has expired by then.
   */
  public static final Duration TURN_LIMIT = Duration.ofSeconds(ARM_SECONDS + 2L);

  private static final Logger LOG = Logger.getLogger(PasswordTurns.class.getName());
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final GraphicsTickets tickets;
  private final Duration turnLimit;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(new DefaultThreadFactory("console-passwords", true));
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("console-password-limits", true));
  private final Map<String, Deque<Turn>> queues = new HashMap<>();
  private final Set<String> unresponsive = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();

  public PasswordTurns(GraphicsTickets tickets) {
    this(tickets, TURN_LIMIT);
  }

  /** Turns limited to {@code turnLimit} (tests shorten it; production uses {@link #TURN_LIMIT}). */
  public PasswordTurns(GraphicsTickets tickets, Duration turnLimit) {
    this.tickets = tickets;
    this.turnLimit = turnLimit;
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Queues {@code start} behind the VM's earlier turns; it runs on a turn thread and the turn lasts
   * until {@link Turn#leave} (which the holder must call exactly once, on every path) or its limit.
   */
  public void enter(String vmUuid, Consumer<Turn> start) {
    Turn turn = new Turn(key(vmUuid), start);
    boolean first;
    synchronized (queues) {
      Deque<Turn> q = queues.computeIfAbsent(turn.vm, vm -> new ArrayDeque<>());
      q.add(turn);
      first = q.size() == 1;
    }
    if (first) {
      begin(turn);
    }
  }

  /**
   * Expires the VM's password within a turn: a random one nobody knows, already expired. The answer
   * completes once it is expired, or exceptionally (an {@link AgentException}) when libvirt failed
   * twice, did not answer within the turn's limit or is known not to answer for this VM.
   */
  public CompletableFuture<Void> expire(String vmUuid) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enter(
        vmUuid,
        turn -> {
          turn.mustExpire();
          turn.leave().whenComplete((v, e) -> forward(done, e));
        });
    return done;
  }

  /** Turns of the VM queued or running now (for tests that must reach a console's wait). */
  public int queued(String vmUuid) {
    synchronized (queues) {
      Deque<Turn> q = queues.get(key(vmUuid));
      return q == null ? 0 : q.size();
    }
  }

  private static void forward(CompletableFuture<Void> to, Throwable failure) {
    if (failure == null) {
      to.complete(null);
    } else {
      to.completeExceptionally(failure);
    }
  }

  private void begin(Turn turn) {
    try {
      threads.execute(turn::start);
    } catch (RejectedExecutionException e) {
      turn.leave(); // shutting down: nothing will be armed; let the queue drain
    }
  }

  private void next(Turn done) {
    Turn following;
    synchronized (queues) {
      Deque<Turn> q = queues.get(done.vm);
      if (q == null || q.peek() != done) {
        throw new IllegalStateException("a turn ended that was not the VM's current one");
      }
      q.poll();
      following = q.peek();
      if (following == null) {
        queues.remove(done.vm);
      }
    }
    if (following != null) {
      begin(following);
    }
  }

  private String randomPassword() {
    char[] p = new char[TicketRules.MAX_PASSWORD_CHARS];
    for (int i = 0; i < p.length; i++) {
      p[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(p);
  }

  /** The turn limit as people read it: "17 s", "500 ms". */
  private String limitText() {
    long ms = turnLimit.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private static String key(String vmUuid) {
    return vmUuid.trim().toLowerCase(Locale.ROOT);
  }

  private static AgentException unavailable(String why) {
    return new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, why);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    threads.shutdownNow();
  }

  /** One VM's turn: at most one per VM runs at a time. */
  public final class Turn {
    private final String vm;
    private final Consumer<Turn> start;
    private final AtomicBoolean left = new AtomicBoolean();
    private final AtomicBoolean handedOn = new AtomicBoolean();
    private final CompletableFuture<Void> outcome = new CompletableFuture<>();
    private final Object calls = new Object();
    private volatile Future<?> limit;

    /** Guarded by this: the turn set a password (or must expire it) when it ends. */
    private boolean armed;

    /** Guarded by {@link #calls}: a libvirt call runs; it marked the VM unresponsive. */
    private boolean inCall;

    private boolean markedUnresponsive;

    private Turn(String vm, Consumer<Turn> start) {
      this.vm = vm;
      this.start = start;
    }

    private void start() {
      try {
        limit = timer.schedule(this::overran, turnLimit.toMillis(), TimeUnit.MILLISECONDS);
        start.accept(this);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "a VNC password turn failed", e);
        leave();
      }
    }

    /**
     * Sets a fresh random one-time password on the domain, valid {@value #ARM_SECONDS} s, and
     * returns it (never log it). On a turn thread, before {@link #leave}.
     *
     * @throws AgentException CLOSED when the turn already ended, UPSTREAM_UNAVAILABLE when libvirt
     *     failed or did not answer in time
     */
    public String arm() throws AgentException {
      String password = randomPassword();
      synchronized (this) { // never interleaved with finish(): an ended turn arms nothing
        if (left.get() || handedOn.get()) {
          throw new AgentException(PortholeStatus.CLOSED, "the console ended while opening");
        }
        requireResponsive();
        armed = true;
        call(() -> tickets.set(vm, password, ARM_SECONDS));
        if (handedOn.get()) {
          throw unavailable(
              "libvirt took longer than "
                  + limitText()
                  + " to set the VNC password of domain "
                  + vm);
        }
      }
      return password;
    }

    private synchronized void mustExpire() {
      armed = true;
    }

    /**
     * Ends the turn: an armed password is expired first (retried once), then the VM's next turn
     * starts. Idempotent; any thread (the work runs on a turn thread). The answer completes once
     * the password opens nothing; exceptionally (an {@link AgentException}) when the expiry failed
     * twice or the turn ran out its limit first.
     */
    public CompletableFuture<Void> leave() {
      if (left.compareAndSet(false, true)) {
        try {
          threads.execute(this::finish);
        } catch (RejectedExecutionException e) {
          outcome.completeExceptionally(unavailable("the host agent is shutting down"));
          handOn();
        }
      }
      return outcome;
    }

    private void finish() {
      if (handedOn.get()) {
        return; // ran out its limit: the password expired by itself, the next turn may hold one
      }
      AgentException failure = null;
      synchronized (this) {
        if (armed && !handedOn.get()) {
          failure = expireRetryingOnce();
        }
      }
      if (failure == null) {
        outcome.complete(null);
      } else {
        outcome.completeExceptionally(failure);
      }
      handOn();
    }

    private AgentException expireRetryingOnce() {
      String why = "";
      for (int attempt = 1; attempt <= 2; attempt++) {
        try {
          call(() -> tickets.expire(vm));
          return null;
        } catch (AgentException | RuntimeException e) {
          why = e.getMessage();
        }
      }
      LOG.log(
          Level.WARNING,
          "cannot expire the one-time VNC password of domain {0} (it expires by itself within {1}"
              + " s): {2}",
          new Object[] {vm, ARM_SECONDS, why});
      return unavailable("the one-time VNC password of domain " + vm + " could not be expired");
    }

    private void requireResponsive() throws AgentException {
      if (unresponsive.contains(vm)) {
        throw unavailable(
            "libvirt has not answered a VNC password change of domain "
                + vm
                + " for over "
                + limitText());
      }
    }

    /** One libvirt call, refused at once while an earlier one of the VM has not returned. */
    private void call(GraphicsCall c) throws AgentException {
      synchronized (calls) {
        requireResponsive();
        inCall = true;
      }
      try {
        c.run();
      } finally {
        synchronized (calls) {
          inCall = false;
          if (markedUnresponsive) {
            markedUnresponsive = false;
            unresponsive.remove(vm);
            LOG.log(Level.INFO, "libvirt answered for domain {0} again", vm);
          }
        }
      }
    }

    /** The limit passed: the VM's next turn starts (whatever this one set has expired). */
    private void overran() {
      boolean hung;
      synchronized (calls) {
        hung = inCall;
        if (hung) {
          markedUnresponsive = true;
          unresponsive.add(vm);
        }
      }
      if (!handedOn.compareAndSet(false, true)) {
        return;
      }
      LOG.log(
          Level.WARNING,
          "the VNC password turn of domain {0} did not end within {1}{2}; the next one starts",
          new Object[] {
            vm,
            limitText(),
            hung ? " (libvirt has not answered; its consoles are refused until it does)" : ""
          });
      outcome.completeExceptionally(
          unavailable(
              "the VNC password turn of domain " + vm + " did not end within " + limitText()));
      next(this);
    }

    private void handOn() {
      if (handedOn.compareAndSet(false, true)) {
        Future<?> l = limit;
        if (l != null) {
          l.cancel(false);
        }
        next(this);
      }
    }
  }

  /** A libvirt call made within a turn. */
  @FunctionalInterface
  private interface GraphicsCall {
    void run() throws AgentException;
  }
}
