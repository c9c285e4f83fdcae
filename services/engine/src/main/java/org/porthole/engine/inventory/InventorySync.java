package org.porthole.engine.inventory;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.engine.db.Transactions;

/**
 * (Re)learns a host's domains through {@code ListDomains} when a host is new or restarted.
 *
 * <p>Threading: {@link #request} is called by the event consumer thread and only queues work; one
 * worker thread makes the gRPC calls, so a slow agent never stalls event consumption. A failed
 * listing is retried on the host's next heartbeat (its inventory boot id stays stale). The listing
 * is a snapshot taken at the call: VMs that lifecycle events touched after it are neither
 * overwritten nor deleted by it.
 */
@ApplicationScoped
public class InventorySync {

  private static final Logger LOG = Logger.getLogger(InventorySync.class);

  private final Transactions transactions;
  private final HostRepository hosts;
  private final VmRepository vms;
  private final HostAgentClient agents;
  private final Clock clock;
  private final Event<InventoryLearned> learnedEvents;
  private final ClaimedMoves moves;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "porthole-inventory-sync");
            thread.setDaemon(true);
            return thread;
          });

  @Inject
  public InventorySync(
      Transactions transactions,
      HostRepository hosts,
      VmRepository vms,
      HostAgentClient agents,
      Clock clock,
      Event<InventoryLearned> learnedEvents,
      ClaimedMoves moves) {
    this.moves = moves;
    this.transactions = transactions;
    this.hosts = hosts;
    this.vms = vms;
    this.agents = agents;
    this.clock = clock;
    this.learnedEvents = learnedEvents;
  }

  /** Queues a listing of {@code hostId}'s domains unless one is already queued. */
  public void request(String hostId) {
    if (pending.add(hostId)) {
      worker.execute(
          () -> {
            try {
              sync(hostId);
            } catch (SQLException | RuntimeException e) {
              LOG.warnf(
                  e, "inventory of host %s not updated; retried on its next heartbeat", hostId);
            } finally {
              pending.remove(hostId);
            }
          });
    }
  }

  /**
   * Lists the host's domains and makes them the host's inventory, if the host needs it.
   *
   * @return true when the inventory was replaced
   */
  public boolean sync(String hostId) throws SQLException {
    Optional<Host> host = transactions.read(connection -> hosts.find(connection, hostId));
    if (host.isEmpty() || !host.get().needsInventory()) {
      return false;
    }
    String bootId = host.get().bootId();
    Instant snapshotAt = clock.instant();
    List<Domain> domains;
    try {
      domains = agents.listDomains(hostId);
    } catch (AgentCallException e) {
      LOG.warnf(
          "cannot list domains of host %s (%s); retried on its next heartbeat",
          hostId, e.getMessage());
      return false;
    }
    List<Vm> learned = toVms(hostId, domains, snapshotAt);
    List<UUID> claimed = new ArrayList<>();
    transactions.inTransaction(
        connection -> {
          claimed.clear();
          for (Vm vm : learned) {
            if (knownOnAnotherHost(connection, vm)) {
              claimed.add(vm.id());
              continue;
            }
            vms.upsert(connection, vm);
          }
          vms.deleteOthersOnHost(
              connection, hostId, learned.stream().map(Vm::id).toList(), snapshotAt);
          hosts.setInventoryBoot(connection, hostId, bootId);
          return null;
        });
    LOG.infof("host %s: inventory of %d domains learned", hostId, learned.size() - claimed.size());
    claimed.forEach(vm -> moves.request(vm, hostId));
    learnedEvents.fire(new InventoryLearned(hostId));
    return true;
  }

  /**
   * A VM another host owns moves only when both agents agree ({@link ClaimedMoves}), never by one
   * listing.
   */
  private boolean knownOnAnotherHost(Connection connection, Vm vm) throws SQLException {
    return vms.find(connection, vm.id())
        .map(known -> !known.vm().hostId().equals(vm.hostId()))
        .orElse(false);
  }

  private static List<Vm> toVms(String hostId, List<Domain> domains, Instant now) {
    List<Vm> learned = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    for (Domain domain : domains) {
      Optional<Vm> vm = DomainMapping.toVm(domain, hostId, now);
      if (vm.isEmpty() || !seen.add(vm.get().id())) {
        LOG.warnf("host %s listed a domain without a valid, unique UUID; ignored", hostId);
        continue;
      }
      if (vm.get().graphics() != null && vm.get().graphics().exposed()) {
        LOG.warnf(
            "VM %s on %s: graphics listen beyond loopback (see the host-agent README)",
            vm.get().id(), hostId);
      }
      learned.add(vm.get());
    }
    return learned;
  }

  void shutdown(@Observes ShutdownEvent event) {
    worker.shutdownNow();
  }
}
