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

  /** Returns the attempts it took, or -1 when closed meanwhile. */
  private int reopen() throws InterruptedException {
    long delay = FIRST_RETRY.toMillis();
    for (int attempt = 1; ; attempt++) {
      if (closed) {
        return -1;
      }
      try {
        session.reopen();
        for (Outage o : listeners) {
          o.restored();
        }
        return attempt;
      } catch (AgentException e) {
        LOG.log(Level.FINE, "reopening the libvirt connection failed: {0}", e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "restoring what hangs off the libvirt connection failed", e);
      }
      synchronized (signal) {
        signal.wait(delay);
      }
      delay = Math.min(delay * 2, MAX_RETRY.toMillis());
    }
  }

  private static void tellLost(Outage o) {
    try {
      o.lost();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "handling the loss of the libvirt connection failed", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    wake();
    thread.interrupt();
  }
}
