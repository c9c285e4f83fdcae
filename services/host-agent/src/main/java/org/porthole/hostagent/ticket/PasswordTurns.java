package org.porthole.hostagent.ticket;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Threading: turns start on the {@code console-passwords} threads (libvirt calls block); a VM's
 * next turn starts only after the previous one left ({@link Turn#leave}, from any thread). The
 * queues are guarded by their map's lock, held only to add or take a turn.
 */
public final class PasswordTurns implements AutoCloseable {
  /** A relay's password expires by itself this long after it was set, should the agent die. */
  public static final int ARM_SECONDS = 15;

  /** How long {@link #run} waits for its turn and its change. */
  static final long RUN_TIMEOUT_SECONDS = 30;

  private static final Logger LOG = Logger.getLogger(PasswordTurns.class.getName());
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final GraphicsTickets tickets;
  private final Clock clock;
  private final ExecutorService threads;
  private final Map<String, Deque<Turn>> queues = new HashMap<>();
  private final SecureRandom random = new SecureRandom();

  public PasswordTurns(GraphicsTickets tickets, Clock clock, int threadCount) {
    this.tickets = tickets;
    this.clock = clock;
    this.threads =
        new ThreadPoolExecutor(
            threadCount,
            threadCount,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("console-passwords", true));
  }

  /** A change made within a VM's turn. */
  @FunctionalInterface
  public interface Change<T> {
    T run() throws AgentException;
  }

  /**
   * Queues {@code start} behind the VM's earlier turns; it runs on a turn thread and the turn lasts
   * until {@link Turn#leave} (which the holder must call exactly once, on every path).
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

  /** Runs {@code change} within a turn of the VM and waits for it (not on a turn thread). */
  public <T> T run(String vmUuid, Change<T> change) throws AgentException {
    CompletableFuture<T> result = new CompletableFuture<>();
    enter(
        vmUuid,
        turn -> {
          try {
            result.complete(change.run());
          } catch (AgentException | RuntimeException e) {
            result.completeExceptionally(e);
          } finally {
            turn.leave();
          }
        });
    try {
      return result.get(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AgentException a) {
        throw a;
      }
      throw new IllegalStateException("a password change failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AgentException(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "the VNC password of domain " + vmUuid + " could not be changed in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, "interrupted");
    }
  }

  /** Expires the VM's password within a turn: a random one nobody knows, already expired. */
  public void expire(String vmUuid) throws AgentException {
    run(
        vmUuid,
        () -> {
          tickets.expire(vmUuid, clock.instant());
          return null;
        });
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
        throw new IllegalStateException("a turn left that was not the VM's current one");
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

  private static String key(String vmUuid) {
    return vmUuid.trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** One VM's turn: at most one per VM runs at a time. */
  public final class Turn {
    private final String vm;
    private final Consumer<Turn> start;
    private final AtomicBoolean left = new AtomicBoolean();
    private final CompletableFuture<Void> expired = new CompletableFuture<>();
    private boolean armed;

    private Turn(String vm, Consumer<Turn> start) {
      this.vm = vm;
      this.start = start;
    }

    private void start() {
      try {
        start.accept(this);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "a VNC password turn failed", e);
        leave();
      }
    }

    /**
     * Sets a fresh random one-time password on the domain, valid {@value #ARM_SECONDS} s, and
     * returns it (never log it). On a turn thread, before {@link #leave}.
     */
    public String arm() throws AgentException {
      String password = randomPassword();
      synchronized (this) { // never interleaved with finish(): a left turn arms nothing
        if (left.get()) {
          throw new AgentException(PortholeStatus.CLOSED, "the console ended while opening");
        }
        armed = true;
        tickets.set(vm, password, ARM_SECONDS);
      }
      return password;
    }

    /**
     * Ends the turn: an armed password is expired first, then the VM's next turn starts.
     * Idempotent; any thread (the work runs on a turn thread). The answer completes once the expiry
     * was done (or failed, which is logged): from then on the password opens nothing.
     */
    public CompletableFuture<Void> leave() {
      if (!left.compareAndSet(false, true)) {
        return expired;
      }
      try {
        threads.execute(this::finish);
      } catch (RejectedExecutionException e) {
        expired.complete(null);
        next(this);
      }
      return expired;
    }

    private void finish() {
      try {
        synchronized (this) {
          if (armed) {
            tickets.expire(vm, clock.instant());
          }
        }
      } catch (AgentException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "cannot expire the one-time VNC password of domain {0} (it expires"
                + " by itself within {1} s): {2}",
            new Object[] {vm, ARM_SECONDS, e.getMessage()});
      } finally {
        expired.complete(null);
        next(this);
      }
    }
  }
}
