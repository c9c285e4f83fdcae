package org.porthole.hostagent.events;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.ticket.GraphicsTickets;

/**
 * Turns libvirt's domain events into Kafka events and acts on them: a GRAPHICS INITIALIZE
 * (successful VNC authentication) of a Porthole relay expires the domain's password at
 * once, so each ticket opens exactly one console.
 *
 * <p>Threading: {@link #onGraphics} and {@link #onLifecycle} are called on libvirt's event
 * thread and only enqueue; one worker thread handles events in arrival order (libvirt calls
 * such as the password expiry happen there, never on the event loop).
 */
public final class DomainEventRouter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DomainEventRouter.class.getName());

  private final RelayRegistry relays;
  private final GraphicsTickets tickets;
  private final Hypervisor hypervisor;
  private final EventSink sink;
  private final EventFactory factory;
  private final List<DomainEventListener> listeners;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "domain-events");
    t.setDaemon(true);
    return t;
  });

  public DomainEventRouter(RelayRegistry relays, GraphicsTickets tickets, Hypervisor hypervisor,
      EventSink sink, EventFactory factory) {
    this(relays, tickets, hypervisor, sink, factory, List.of());
  }

  /** A router that also tells {@code listeners} about every event, in order, after its own handling. */
  public DomainEventRouter(RelayRegistry relays, GraphicsTickets tickets, Hypervisor hypervisor,
      EventSink sink, EventFactory factory, List<DomainEventListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.relays = relays;
    this.tickets = tickets;
    this.hypervisor = hypervisor;
    this.sink = sink;
    this.factory = factory;
  }

  public void onGraphics(GraphicsSignal s) {
    submit(() -> handleGraphics(s));
  }

  public void onLifecycle(LifecycleSignal s) {
    submit(() -> handleLifecycle(s));
  }

  void handleGraphics(GraphicsSignal s) {
    Optional<RelayRegistry.Binding> relay = relays.match(s);
    if (relay.isPresent() && s.phase() == GraphicsSignal.Phase.INITIALIZE) {
      expirePassword(s, relay.get().sessionId());
    }
    if (relay.isPresent() && s.phase() == GraphicsSignal.Phase.DISCONNECT) {
      relays.forget(relay.get());
    }
    String session = relay.map(RelayRegistry.Binding::sessionId).orElse("-");
    LOG.log(Level.INFO, "graphics {0} on domain {1} from {2} (session {3})",
        new Object[] {s.phase(), s.vmUuid(), s.remote(), session});
    // Listeners first: the reconnect window re-arms the password before the engine (through
    // Kafka) can tell anyone the console closed, so a viewer reconnecting at once is not refused.
    for (DomainEventListener l : listeners) {
      tell(() -> l.onGraphics(s, relay));
    }
    sink.publish(Topics.GRAPHICS, s.vmUuid(), factory.graphics(s, relay));
  }

  void handleLifecycle(LifecycleSignal s) {
    Optional<DomainView> domain = Optional.empty();
    if (!s.removed()) {
      try {
        domain = hypervisor.findDomain(s.vmUuid());
      } catch (AgentException e) {
        LOG.log(Level.WARNING, "cannot read domain {0} after {1}: {2}",
            new Object[] {s.vmUuid(), s.describe(), e.getMessage()});
      }
    }
    LOG.log(Level.INFO, "lifecycle {0} of domain {1} ({2})",
        new Object[] {s.describe(), s.name(), s.vmUuid()});
    sink.publish(Topics.LIFECYCLE, s.vmUuid(), factory.lifecycle(s, domain));
    for (DomainEventListener l : listeners) {
      tell(() -> l.onLifecycle(s));
    }
  }

  /** One listener's failure is logged and does not keep the event from the others. */
  private static void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "a domain event listener failed", e);
    }
  }

  private void expirePassword(GraphicsSignal s, String sessionId) {
    String vmUuid = s.vmUuid();
    try {
      tickets.expire(vmUuid, s.at());
      LOG.log(Level.INFO, "one-time password of domain {0} expired after session {1} logged in",
          new Object[] {vmUuid, sessionId});
    } catch (AgentException e) {
      LOG.log(Level.WARNING, "cannot expire the password of domain {0}: {1}",
          new Object[] {vmUuid, e.getMessage()});
    }
  }

  private void submit(Runnable task) {
    try {
      worker.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.log(Level.SEVERE, "handling a domain event failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.fine("domain event after shutdown ignored");
    }
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
