package org.porthole.hostagent.libvirt;

import com.sun.jna.Pointer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.ErrorCallback;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * The agent's one libvirt connection, opened after libvirt's default event loop is registered so
 * that domain events (lifecycle, graphics) are delivered. A lost connection (libvirtd restarted,
 * socket cut) is replaced by {@link #reopen()}; {@link LibvirtReconnect} decides when. Callers
 * therefore ask {@link #connect()} for the current connection on every call instead of keeping one.
 *
 * <p>Threading: libvirt connections are thread-safe; any thread may call through {@link
 * #connect()}. Event callbacks run on the single daemon thread "libvirt-events", which runs {@code
 * virEventRunDefaultImpl} for the life of the process; callbacks must hand work off instead of
 * blocking it.
 */
public final class LibvirtSession implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LibvirtSession.class.getName());
  private static final long LOOP_ERROR_BACKOFF_MS = 1000;

  /** Keepalive: a peer silent for 5 s × 3 probes is a lost connection, not a hung call. */
  private static final int KEEPALIVE_SECONDS = 5;

  private static final int KEEPALIVE_PROBES = 3;
  // libvirt prints every error to stderr unless a callback is set; errors reach us as
  // exceptions anyway. Held strongly: libvirt keeps only a pointer to it.
  private static final ErrorCallback QUIET = new ErrorCallback();
  private static Thread loopThread;

  private final String uri;
  private volatile PointerConnect connect;
  private volatile Runnable onClosed = () -> {};

  /** Guarded by this: after {@link #close()}, no connection is made current any more. */
  private boolean closed;

  private LibvirtSession(String uri, PointerConnect connect) {
    this.uri = uri;
    this.connect = connect;
  }

  /** Starts the event loop (once per process) and opens the connection. */
  public static LibvirtSession open(String uri) throws AgentException {
    startEventLoop();
    try {
      return new LibvirtSession(uri, new PointerConnect(uri));
    } catch (LibvirtException e) {
      throw new AgentException(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "cannot connect to libvirt at "
              + uri
              + " (is libvirtd running? `libvirtd -d;"
              + " virtlogd -d`): "
              + e.getMessage(),
          e);
    }
  }

  public String uri() {
    return uri;
  }

  /** The current connection; after a {@link #reopen()} a new one. */
  public Connect connect() {
    return connect;
  }

  Pointer nativePointer() {
    return connect.nativePointer();
  }

  /** Whether the current connection is open (a local check, no round trip). */
  public boolean alive() {
    try {
      return connect.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  /**
   * Tells {@code action} (on libvirt's event thread: it must not block) when libvirt closes the
   * current or any later connection, e.g. its socket reached end of stream.
   */
  void watchClose(Runnable action) throws AgentException {
    onClosed = action;
    watch(connect);
  }

  /**
   * Opens a new connection to the same URI and makes it the current one; the lost one is closed. On
   * failure nothing is left open but the current connection; once the session is closed, the new
   * connection is closed at once and this fails. The message of a failure names neither the URI nor
   * libvirt's text (which may quote it).
   */
  void reopen() throws AgentException {
    PointerConnect fresh;
    try {
      fresh = new PointerConnect(uri);
    } catch (LibvirtException e) {
      throw new AgentException(
          PortholeStatus.UPSTREAM_UNAVAILABLE, "libvirt refused a new connection", e);
    }
    PointerConnect lost;
    try {
      watch(fresh);
      synchronized (this) {
        if (closed) {
          throw new AgentException(
              PortholeStatus.UPSTREAM_UNAVAILABLE, "the libvirt session is closed");
        }
        lost = connect;
        connect = fresh;
      }
    } catch (AgentException | RuntimeException e) {
      closeQuietly(fresh);
      throw e;
    }
    closeQuietly(lost);
  }

  private void watch(PointerConnect c) throws AgentException {
    try {
      c.setKeepAlive(KEEPALIVE_SECONDS, KEEPALIVE_PROBES);
      c.registerCloseListener((conn, reason) -> onClosed.run());
    } catch (LibvirtException e) {
      throw new AgentException(
          PortholeStatus.UPSTREAM_UNAVAILABLE, "cannot watch the libvirt connection", e);
    }
  }

  /** Closes the current connection; a {@link #reopen()} still under way closes its own. */
  @Override
  public synchronized void close() {
    closed = true;
    closeQuietly(connect);
  }

  /**
   * Closes {@code c}. Its close callback is dropped first: while registered it holds a reference on
   * the connection (libvirt drops it once the callback fired), and a connection still referenced
   * stays open.
   */
  private static void closeQuietly(PointerConnect c) {
    try {
      c.unregisterCloseListener();
    } catch (LibvirtException e) {
      LOG.log(Level.FINE, "dropping a libvirt close callback failed (it fired already?)", e);
    }
    try {
      c.close();
    } catch (LibvirtException e) {
      LOG.log(Level.FINE, "closing a libvirt connection failed", e);
    }
  }

  private static synchronized void startEventLoop() throws AgentException {
    if (loopThread != null) {
      return;
    }
    try {
      Connect.setErrorCallback(QUIET);
      Library.initEventLoop();
    } catch (LibvirtException e) {
      throw new AgentException(
          PortholeStatus.INTERNAL, "cannot register libvirt's event loop: " + e.getMessage(), e);
    }
    Thread t = new Thread(LibvirtSession::runEventLoop, "libvirt-events");
    t.setDaemon(true);
    t.start();
    loopThread = t;
  }

  private static void runEventLoop() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Library.processEvent();
      } catch (LibvirtException e) {
        LOG.log(Level.WARNING, "libvirt event loop iteration failed: {0}", e.getMessage());
        try {
          Thread.sleep(LOOP_ERROR_BACKOFF_MS);
        } catch (InterruptedException ie) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "libvirt event callback threw; the event loop goes on", e);
      }
    }
  }
}
