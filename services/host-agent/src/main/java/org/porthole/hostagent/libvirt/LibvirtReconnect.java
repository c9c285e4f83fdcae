package org.porthole.hostagent.libvirt;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.AgentException;

/**
 * Keeps the agent's libvirt connection open: when libvirt closes it (libvirtd restarted, socket
 * cut, keepalive missed) or a poll finds it dead, tells the {@link Outage} listeners that it is
 * lost, reopens it with a bounded backoff ({@link #FIRST_RETRY} doubling to {@link #MAX_RETRY}),
 * and tells them again once it is back, so they register on the new connection what hung off the
 * old one and reconcile what changed meanwhile. One log line per loss and one per return, neither
 * with the URI (it may carry a user name or key paths).
 *
 * <p>Threading: one daemon thread, "libvirt-reconnect", runs the loss and return listeners in
 * order; libvirt's close callback only wakes it early (it polls the connection too). {@link
 * #connected()} and {@link #running()} may be read from any thread.
 */
public final class LibvirtReconnect implements AutoCloseable {
  static final Duration FIRST_RETRY = Duration.ofMillis(200);
  static final Duration MAX_RETRY = Duration.ofSeconds(5);

  /** How often the connection is checked when libvirt's close callback did not fire. */
  static final Duration POLL = Duration.ofSeconds(1);

  /** How long {@link #close()} waits for the thread (a libvirt call ends within the keepalive). */
  static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(LibvirtReconnect.class.getName());

  /** What hangs off the connection: told of each loss and each return. */
  public interface Outage {
    /** The connection is lost; the reconnect thread waits for this to return. */
    default void lost() {}

    /**
     * A new connection is open: register on it what hung off the old one, reconcile. A failure
     * counts as a failed attempt: the connection is reopened again after the backoff.
     */
    void restored() throws AgentException;

    /** An outage listener that only acts on the loss. */
    static Outage onLoss(Runnable action) {
      return new Outage() {
        @Override
        public void lost() {
          action.run();
        }

        @Override
        public void restored() {}
      };
    }
  }

  private final LibvirtSession session;
  private final List<Outage> listeners = new CopyOnWriteArrayList<>();
  private final Object signal = new Object();
  private final Thread thread;
  private volatile boolean connected = true;
  private volatile boolean closed;

  private LibvirtReconnect(LibvirtSession session) {
    this.session = session;
    this.thread = new Thread(this::run, "libvirt-reconnect");
    thread.setDaemon(true);
  }

  /** Watches {@code session}'s connection from now on. */
  public static LibvirtReconnect start(LibvirtSession session) throws AgentException {
    LibvirtReconnect r = new LibvirtReconnect(session);
    session.watchClose(r::wake);
    r.thread.start();
    return r;
  }

  /** Adds {@code outage}, told in the order added. */
  public void add(Outage outage) {
    listeners.add(outage);
  }

  /** Whether the connection is open now (readiness). */
  public boolean connected() {
    return connected && session.alive();
  }

  /** Whether a lost connection would be reopened: the thread runs (liveness). */
  public boolean running() {
    return thread.isAlive() && !closed;
  }

  private void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void run() {
    try {
      while (!closed) {
        awaitLoss();
        if (closed) {
          return;
        }
        long lostAt = System.nanoTime();
        connected = false;
        LOG.warning("libvirt connection lost; reopening it");
        listeners.forEach(LibvirtReconnect::tellLost);
        int attempts = reopen();
        if (attempts < 0) {
          return;
        }
        connected = true;
        LOG.log(
            Level.INFO,
            "libvirt connection back after {0,number,#} ms ({1,number,#} attempts)",
            new Object[] {TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lostAt), attempts});
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "the libvirt reconnect thread died; a lost connection stays lost", e);
      throw e;
    }
  }

  private void awaitLoss() throws InterruptedException {
    synchronized (signal) {
      while (!closed && session.alive()) {
        signal.wait(POLL.toMillis());
      }
    }
  }

  /**
   * Returns the attempts it took, or -1 when closed meanwhile. A failed restore is undone (every
   * listener told of a loss again, so nothing stays registered on the connection the next attempt
   * closes); the first one of the outage is logged as a warning, by its status only (libvirt's text
   * may quote the URI).
   */
  private int reopen() throws InterruptedException {
    long delay = FIRST_RETRY.toMillis();
    boolean warned = false;
    for (int attempt = 1; ; attempt++) {
      if (closed) {
        return -1;
      }
      try {
        session.reopen();
      } catch (AgentException | RuntimeException e) {
        LOG.log(Level.FINE, "reopening the libvirt connection failed: {0}", e.getMessage());
        awaitRetry(delay);
        delay = Math.min(delay * 2, MAX_RETRY.toMillis());
        continue;
      }
      Object failure = restore();
      if (failure == null) {
        return attempt;
      }
      listeners.forEach(LibvirtReconnect::tellLost);
      if (!warned) {
        warned = true;
        LOG.log(
            Level.WARNING,
            "restoring what hangs off the reopened libvirt connection failed ({0}); retrying",
            failure);
      }
      awaitRetry(delay);
      delay = Math.min(delay * 2, MAX_RETRY.toMillis());
    }
  }

  /** Tells every listener the connection is back; null when all succeeded, else what failed. */
  private Object restore() {
    try {
      for (Outage o : listeners) {
        o.restored();
      }
      return null;
    } catch (AgentException e) {
      return e.status();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "restoring what hangs off the libvirt connection threw", e);
      return e.getClass().getSimpleName();
    }
  }

  private void awaitRetry(long delayMs) throws InterruptedException {
    synchronized (signal) {
      if (!closed) {
        signal.wait(delayMs);
      }
    }
  }

  private static void tellLost(Outage o) {
    try {
      o.lost();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "handling the loss of the libvirt connection failed", e);
    }
  }

  /**
   * Stops the thread and waits for it (at most {@link #STOP_WAIT}), so that no reopen or restore
   * runs while the parts it uses close; one stuck in a libvirt call longer is left to the session,
   * which closes a connection opened after its own close.
   */
  @Override
  public void close() {
    closed = true;
    wake();
    thread.interrupt();
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (thread.isAlive()) {
      LOG.warning("the libvirt reconnect thread did not stop in time; leaving it");
    }
  }
}
