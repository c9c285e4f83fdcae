package org.porthole.engine.inventory;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.engine.db.Transactions;

/**
 * Checks a host's claim that it now runs a VM the engine knows on another host (a lifecycle event
 * the owner rule ignored: a live migration, or a forgery) over gRPC, where each agent is
 * authenticated: the VM moves only when the claiming host lists it running and its current host,
 * asked too, does not (or is offline and cannot be asked). Events alone never move a VM.
 *
 * <p>Threading: {@link #request} only queues (one check per VM at a time); one worker thread makes
 * the gRPC calls, so a slow agent never stalls event consumption.
 */
@ApplicationScoped
public class ClaimedMoves {

  private static final Logger LOG = Logger.getLogger(ClaimedMoves.class);

  private final Transactions transactions;
  private final VmRepository vms;
  private final HostAgentClient agents;
  private final Clock clock;
  private final Set<UUID> pending = ConcurrentHashMap.newKeySet();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "porthole-claimed-moves");
            thread.setDaemon(true);
            return thread;
          });

  @Inject
  public ClaimedMoves(
      Transactions transactions, VmRepository vms, HostAgentClient agents, Clock clock) {
    this.transactions = transactions;
    this.vms = vms;
    this.agents = agents;
    this.clock = clock;
  }

  /** Queues a check of {@code claimingHost}'s claim to run {@code vmId}. */
  public void request(UUID vmId, String claimingHost) {
    if (pending.add(vmId)) {
      worker.execute(
          () -> {
            try {
              verify(vmId, claimingHost);
            } catch (SQLException | RuntimeException e) {
              LOG.warnf(
                  "claim of host %s to run VM %s not checked: %s",
                  claimingHost, vmId, e.toString());
            } finally {
              pending.remove(vmId);
            }
          });
    }
  }

  /**
   * @return true when the VM was moved to {@code claimingHost}
   */
  boolean verify(UUID vmId, String claimingHost) throws SQLException {
    Optional<VmListing> known = transactions.read(connection -> vms.find(connection, vmId));
    if (known.isEmpty() || known.get().vm().hostId().equals(claimingHost)) {
      return false;
    }
    String owner = known.get().vm().hostId();
    Optional<Domain> claimed = running(claimingHost, vmId);
    if (claimed.isEmpty()) {
      LOG.warnf(
          "host %s claimed VM %s of host %s but does not list it running; ignored",
          claimingHost, vmId, owner);
      return false;
    }
    if (stillRunsIt(owner, vmId, known.get().hostOnline())) {
      LOG.warnf(
          "host %s claimed VM %s that host %s still runs; ignored", claimingHost, vmId, owner);
      return false;
    }
    Optional<Vm> moved = DomainMapping.toVm(claimed.get(), claimingHost, clock.instant());
    if (moved.isEmpty()) {
      return false;
    }
    transactions.inTransaction(
        connection -> {
          vms.upsert(connection, moved.get());
          return null;
        });
    LOG.infof(
        "VM %s moved from host %s to host %s (checked with both agents)",
        vmId, owner, claimingHost);
    return true;
  }

  private Optional<Domain> running(String hostId, UUID vmId) {
    try {
      return find(agents.listDomains(hostId), vmId)
          .filter(d -> d.getState() == DomainState.DOMAIN_STATE_RUNNING);
    } catch (AgentCallException e) {
      LOG.debugf("cannot list the domains of %s: %s", hostId, e.getMessage());
      return Optional.empty();
    }
  }

  /** True when the owner lists the VM running, or is online and cannot answer. */
  private boolean stillRunsIt(String owner, UUID vmId, boolean ownerOnline) {
    try {
      return find(agents.listDomains(owner), vmId)
          .map(d -> d.getState() == DomainState.DOMAIN_STATE_RUNNING)
          .orElse(false);
    } catch (AgentCallException e) {
      return ownerOnline;
    }
  }

  private static Optional<Domain> find(List<Domain> domains, UUID vmId) {
    return domains.stream().filter(d -> d.getUuid().equalsIgnoreCase(vmId.toString())).findFirst();
  }

  void shutdown(@Observes ShutdownEvent event) {
    worker.shutdownNow();
  }
}
