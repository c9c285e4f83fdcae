package org.porthole.hostagent;

import java.io.IOException;
import java.time.Clock;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.porthole.hostagent.events.EventFactory;
import org.porthole.hostagent.events.EventSink;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.guest.DisconnectActions;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.relay.ConsoleTargets;
import org.porthole.hostagent.relay.RelayListener;
import org.porthole.hostagent.relay.RelayRegistry;
import org.porthole.hostagent.sso.SsoPorts;
import org.porthole.hostagent.ticket.GraphicsTickets;
import org.porthole.hostagent.ticket.PasswordTurns;

/**
 * Where the agent's domains, consoles and guest channels come from. The agent ships one: {@link
 * LibvirtBackend}. The seam lets the relay benchmark run the agent's real gRPC server, token checks
 * and relay against a hypervisor double that lives outside the production jar.
 */
public interface AgentBackend {

  /** Opens the backend; everything it starts goes onto {@link Wiring#parts()}. */
  Opened open(Wiring wiring) throws AgentException, IOException;

  /** Whether the agent must publish events; a real agent must (the engine learns VMs from them). */
  default boolean needsEvents() {
    return true;
  }

  /**
   * What the backend is given: the agent's shared parts, and the stack of what to close (in reverse
   * order) when the agent stops or fails to start. {@code sink} is empty when events are off.
   */
  record Wiring(
      AgentConfig config,
      Clock clock,
      AgentIdentity identity,
      RelayRegistry registry,
      ConsolePolicies policies,
      Optional<EventSink> sink,
      EventFactory factory,
      Deque<AutoCloseable> parts) {

    /** The password turns over {@code tickets}, closed with the agent. */
    public PasswordTurns passwordTurns(GraphicsTickets tickets) {
      return push(new PasswordTurns(tickets));
    }

    /** Closes {@code part} with the agent (after everything pushed later). */
    public <T extends AutoCloseable> T push(T part) {
      parts.push(part);
      return part;
    }
  }

  /**
   * What the backend serves: {@code actions} is null without guest channels; {@code listeners} hear
   * every relay's start and end; {@code ssoPorts} finds each VM's SSO port.
   */
  record Opened(
      Hypervisor hypervisor,
      ConsoleTargets targets,
      PasswordTurns turns,
      Guests guests,
      DisconnectActions actions,
      List<RelayListener> listeners,
      SsoPorts ssoPorts) {

    /** A backend without SSO ports. */
    public Opened(
        Hypervisor hypervisor,
        ConsoleTargets targets,
        PasswordTurns turns,
        Guests guests,
        DisconnectActions actions,
        List<RelayListener> listeners) {
      this(hypervisor, targets, turns, guests, actions, listeners, SsoPorts.NONE);
    }
  }
}
