package org.porthole.hostagent.libvirt;

import java.time.Clock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/**
 * Receives libvirt's domain lifecycle events through libvirt-java.
 *
 * <p>Threading: the listener runs on libvirt's event-loop thread; it reads the domain's UUID and
 * name (local to the handle, no round trip) and hands the signal to {@code sink}, which must not
 * block.
 */
public final class LifecycleEvents implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LifecycleEvents.class.getName());

  private final Connect connect; // the connection registered on, not the session's current one
  private final LifecycleListener listener;

  private LifecycleEvents(Connect connect, LifecycleListener listener) {
    this.connect = connect;
    this.listener = listener;
  }

  /** Registers for lifecycle events of every domain on the session's current connection. */
  public static LifecycleEvents register(
      LibvirtSession session, Consumer<LifecycleSignal> sink, Clock clock) throws AgentException {
    LifecycleListener listener =
        (domain, event) -> {
          deliver(sink, clock, domain, event);
          return 0;
        };
    Connect connect = session.connect();
    try {
      connect.addLifecycleListener(listener);
    } catch (LibvirtException e) {
      throw new AgentException(
          PortholeStatus.INTERNAL,
          "libvirt refused the lifecycle event registration: " + e.getMessage(),
          e);
    }
    return new LifecycleEvents(connect, listener);
  }

  private static void deliver(
      Consumer<LifecycleSignal> sink, Clock clock, Domain domain, DomainEvent event) {
    try {
      sink.accept(
          new LifecycleSignal(
              domain.getUUIDString(),
              domain.getName(),
              String.valueOf(event.getType()),
              detail(event),
              clock.instant()));
    } catch (LibvirtException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot handle a lifecycle event", e);
    }
  }

  private static String detail(DomainEvent event) {
    try {
      Object d = event.getDetail();
      return d == null ? "" : d.toString();
    } catch (RuntimeException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      connect.removeLifecycleListener(listener);
    } catch (LibvirtException e) {
      LOG.log(Level.FINE, "lifecycle deregistration failed", e);
    }
  }
}
