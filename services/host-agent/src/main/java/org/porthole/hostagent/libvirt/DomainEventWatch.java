package org.porthole.hostagent.libvirt;

import java.time.Clock;
import java.util.function.Consumer;
import org.porthole.hostagent.AgentException;

/**
 * The agent's GRAPHICS and lifecycle registrations, kept on whichever connection is current: they
 * are dropped when the connection is lost (before it is closed: each holds a reference on it) and
 * made again on the new one.
 *
 * <p>Threading: synchronized; called at start, by the reconnect thread and at shutdown. After
 * {@link #close()} a late {@link #restored()} registers nothing.
 */
public final class DomainEventWatch implements LibvirtReconnect.Outage, AutoCloseable {
  private final LibvirtSession session;
  private final Consumer<GraphicsSignal> graphicsSink;
  private final Consumer<LifecycleSignal> lifecycleSink;
  private final Clock clock;
  private GraphicsEvents graphics;
  private LifecycleEvents lifecycle;
  private boolean closed;

  private DomainEventWatch(
      LibvirtSession session,
      Consumer<GraphicsSignal> graphicsSink,
      Consumer<LifecycleSignal> lifecycleSink,
      Clock clock) {
    this.session = session;
    this.graphicsSink = graphicsSink;
    this.lifecycleSink = lifecycleSink;
    this.clock = clock;
  }

  /** Registers both on the session's current connection. */
  public static DomainEventWatch register(
      LibvirtSession session,
      Consumer<GraphicsSignal> graphicsSink,
      Consumer<LifecycleSignal> lifecycleSink,
      Clock clock)
      throws AgentException {
    DomainEventWatch w = new DomainEventWatch(session, graphicsSink, lifecycleSink, clock);
    w.restored();
    return w;
  }

  @Override
  public synchronized void lost() {
    drop();
  }

  @Override
  public synchronized void restored() throws AgentException {
    drop();
    if (closed) {
      return; // shutting down: nothing is registered on a connection about to close
    }
    graphics = GraphicsEvents.register(session, graphicsSink, clock);
    lifecycle = LifecycleEvents.register(session, lifecycleSink, clock);
  }

  @Override
  public synchronized void close() {
    closed = true;
    drop();
  }

  private void drop() {
    if (graphics != null) {
      graphics.close();
      graphics = null;
    }
    if (lifecycle != null) {
      lifecycle.close();
      lifecycle = null;
    }
  }
}
