package org.porthole.hostagent.events;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.events.v1.EventTopics;
import org.porthole.api.events.v1.LifecycleDetails;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.GraphicsSignal;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.libvirt.LifecycleSignal;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.ticket.PasswordTurns;

/**
 * Turns libvirt's domain events into Kafka events and acts on them. GRAPHICS events of the agent's
 * own relays are not published (each relay reports its own CONNECT, INITIALIZE and DISCONNECT with
 * its session). Any other INITIALIZE is a VNC login that did not come through a Porthole relay (a
 * direct login): the password is expired at once, a warning logged and the event published with an
 * empty session id, for the engine's audit.
 *
 * <p>Threading: {@link #onGraphics} and {@link #onLifecycle} are called on libvirt's event thread
 * and only enqueue; one worker thread handles events in arrival order (libvirt calls such as the
 * password expiry happen there, never on the event loop).
 */
public final class DomainEventRouter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DomainEventRouter.class.getName());

  private final RelayRegistry relays;
  private final PasswordTurns turns;
  private final Hypervisor hypervisor;
  private final EventSink sink;
  private final EventFactory factory;
  private final List<DomainEventListener> listeners;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "domain-events");
            t.setDaemon(true);
            return t;
          });

  public DomainEventRouter(
      RelayRegistry relays,
      PasswordTurns turns,
      Hypervisor hypervisor,
      EventSink sink,
      EventFactory factory) {
    this(relays, turns, hypervisor, sink, factory, List.of());
  }

  /**
   * A router that also tells {@code listeners} about every lifecycle event, in order, after its own
   * handling.
   */
  public DomainEventRouter(
      RelayRegistry relays,
      PasswordTurns turns,
      Hypervisor hypervisor,
      EventSink sink,
      EventFactory factory,
      List<DomainEventListener> listeners) {
    this.listeners = List.copyOf(listeners);
    this.relays = relays;
    this.turns = turns;
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
    if (relay.isPresent()) {
      if (s.phase() == GraphicsSignal.Phase.DISCONNECT) {
        relays.forget(relay.get());
      }
      LOG.log(
          Level.FINE,
          "graphics {0} on domain {1} of session {2}",
          new Object[] {s.phase(), s.vmUuid(), relay.get().sessionId()});
      return;
    }
    boolean unix = s.remote().family() == GraphicsSignal.Family.UNIX;
    if (s.phase() == GraphicsSignal.Phase.INITIALIZE) {
      directLogin(s);
    } else if (unix) {
      // Not attributable to a relay or not; relays report their own connects and disconnects.
      LOG.log(
          Level.FINE,
          "graphics {0} on the unix socket of domain {1}",
          new Object[] {s.phase(), s.vmUuid()});
      return;
    } else {
      LOG.log(
          Level.INFO,
          "graphics {0} on domain {1} from {2}, not a Porthole relay",
          new Object[] {s.phase(), s.vmUuid(), s.remote()});
    }
    sink.publish(EventTopics.Stream.GRAPHICS, s.vmUuid(), factory.graphics(s, Optional.empty()));
  }

  /**
   * A VNC client logged in to QEMU around Porthole. Its password is expired within the VM's turn
   * (never between a relay's set and its authentication); the worker does not wait for the turn.
   */
  private void directLogin(GraphicsSignal s) {
    LOG.log(
        Level.WARNING,
        "direct VNC login to domain {0} from {1} (auth {2}), not through a"
            + " Porthole relay; expiring the VNC password",
        new Object[] {s.vmUuid(), s.remote(), s.authScheme()});
    turns
        .expire(s.vmUuid())
        .whenComplete(
            (done, e) -> {
              if (e != null) {
                LOG.log(
                    Level.WARNING,
                    "cannot expire the password of domain {0}: {1}",
                    new Object[] {s.vmUuid(), e.getMessage()});
              }
            });
  }

  void handleLifecycle(LifecycleSignal s) {
    relays.leaving(s.vmUuid(), LifecycleDetails.leavesByMigration(s.describe()));
    Optional<DomainView> domain = Optional.empty();
    if (!s.removed()) {
      try {
        domain = hypervisor.findDomain(s.vmUuid());
      } catch (AgentException e) {
        LOG.log(
            Level.WARNING,
            "cannot read domain {0} after {1}: {2}",
            new Object[] {s.vmUuid(), s.describe(), e.getMessage()});
      }
    }
    LOG.log(
        Level.INFO,
        "lifecycle {0} of domain {1} ({2})",
        new Object[] {s.describe(), s.name(), s.vmUuid()});
    sink.publish(EventTopics.Stream.LIFECYCLE, s.vmUuid(), factory.lifecycle(s, domain));
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

  private void submit(Runnable task) {
    try {
      worker.execute(
          () -> {
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
