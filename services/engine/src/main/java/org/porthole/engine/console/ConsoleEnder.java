package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.EndedConsoles;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.status.PortholeStatus;

/**
 * Ends live consoles on their host agent (takeover, revocation). QEMU keeps VNC clients connected
 * when the password changes, so Porthole must end the relays itself; the agent also expires an
 * unused ticket of those sessions and refuses their tokens from then on.
 */
@ApplicationScoped
public class ConsoleEnder {

  /** The most session ids one EndConsoles call takes (docs/contracts.md). */
  static final int MAX_IDS_PER_CALL = 256;

  private static final Logger LOG = Logger.getLogger(ConsoleEnder.class);

  private final HostAgentClient agents;

  @Inject
  public ConsoleEnder(HostAgentClient agents) {
    this.agents = agents;
  }

  /**
   * Ends {@code sessions} (all of one VM on one host) with {@code status} and {@code reason}.
   *
   * @return relays closed
   * @throws AgentCallException when the agent could not be told; the sessions may still be open
   */
  public int end(
      String hostId, UUID vmId, List<UUID> sessions, PortholeStatus status, String reason)
      throws AgentCallException {
    return end(hostId, vmId, sessions, status, reason, false).endedRelays();
  }

  /**
   * Ends {@code sessions} as {@link #end} does; with {@code applyDisconnectAction} the agent also
   * applies the VM's disconnect action (locks the screen) before it answers, when one of them was
   * an interactive console.
   *
   * @return relays closed and the action's outcome (of the last chunk that applied one)
   * @throws AgentCallException when the agent could not be told; the sessions may still be open
   */
  public EndedConsoles end(
      String hostId,
      UUID vmId,
      List<UUID> sessions,
      PortholeStatus status,
      String reason,
      boolean applyDisconnectAction)
      throws AgentCallException {
    int ended = 0;
    EndedConsoles action = new EndedConsoles(0, "", false, "");
    for (int from = 0; from < sessions.size(); from += MAX_IDS_PER_CALL) {
      List<UUID> chunk = sessions.subList(from, Math.min(sessions.size(), from + MAX_IDS_PER_CALL));
      EndedConsoles result =
          agents.endConsoles(hostId, vmId, chunk, status, reason, applyDisconnectAction);
      ended += result.endedRelays();
      if (!result.disconnectAction().isEmpty()) {
        action = result;
      }
    }
    LOG.infof(
        "VM %s: ended %d console session(s) (%d relays) with %s: %s",
        vmId, sessions.size(), ended, status, reason);
    return new EndedConsoles(
        ended, action.disconnectAction(), action.actionConfirmed(), action.actionDetail());
  }
}
