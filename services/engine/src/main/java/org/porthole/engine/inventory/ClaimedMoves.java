package org.porthole.engine.inventory;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.db.Transactions;

/**
 * Checks a host's claim that it now runs a VM the engine knows on another host (a lifecycle event
 * the owner rule ignored: a live migration, or a forgery) over gRPC, where each agent is
 * authenticated: the VM moves only when the claiming host lists it running and its current host,
 * asked too, does not (or is offline and cannot be asked). Events alone never move a VM.
 *
 * <p>A claiming host that cannot be reached is asked again after {@link #RETRY_MS} (a migration's
 * destination agent may just be coming up, or the engine's channel to its address may still be in
 * gRPC's reconnect backoff from an agent that was there before).
 *
 * <p>Threading: {@link #request} only queues (one check per VM at a time); one worker thread makes
 * the gRPC calls, so a slow agent never stalls event consumption.
 */
@ApplicationScoped
public class ClaimedMoves {

  private static final Logger LOG = Logger.getLogger(ClaimedMoves.class);

  /** Pauses before asking an unreachable claiming host again. */
  static final long[] RETRY_MS = {1000, 2000, 4000, 8000};

  /** How a check ended. */
  enum Outcome {
    MOVED,
    REFUSED,
    UNREACHABLE
  }

  private final Transactions transactions;
  private final VmRepository vms;
  private final HostAgentClient agents;
  private final AuditLog audit;
  private final Event<VmMoved> movedEvents;
  private final Clock clock;
  private final Set<UUID> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong unanswered = new AtomicLong();
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "porthole-claimed-moves");
            thread.setDaemon(true);
            return thread;
          });

  @Inject
  public ClaimedMoves(
      Transactions transactions,
      VmRepository vms,
      HostAgentClient agents,
      AuditLog audit,
      Event<VmMoved> movedEvents,
      Clock clock) {
    this.transactions = transactions;
    this.vms = vms;
    this.agents = agents;
    this.audit = audit;
    this.movedEvents = movedEvents;
    this.clock = clock;
  }

  /** Queues a check of {@code claimingHost}'s claim to run {@code vmId}. */
  public void request(UUID vmId, String claimingHost) {
    if (pending.add(vmId)) {
      worker.execute(() -> check(vmId, claimingHost, 0));
    }
  }

  private void check(UUID vmId, String claimingHost, int attempt) {
    boolean again = false;
    try {
      again = verify(vmId, claimingHost, attempt) == Outcome.UNREACHABLE;
      if (again) {
        worker.schedule(
            () -> check(vmId, claimingHost, attempt + 1), RETRY_MS[attempt], TimeUnit.MILLISECONDS);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("claim of host %s to run VM %s not checked: %s", claimingHost, vmId, e.toString());
    } finally {
      if (!again) {
        pending.remove(vmId);
      }
    }
  }

  /** One check of the claim; {@code attempt} counts the earlier ones the host did not answer. */
  Outcome verify(UUID vmId, String claimingHost, int attempt) throws SQLException {
    Optional<VmListing> known = transactions.read(connection -> vms.find(connection, vmId));
    if (known.isEmpty() || known.get().vm().hostId().equals(claimingHost)) {
      return Outcome.REFUSED;
    }
    String owner = known.get().vm().hostId();
    List<Domain> listed;
    try {
      listed = agents.listDomains(claimingHost);
    } catch (AgentCallException e) {
      unanswered.incrementAndGet();
      if (attempt < RETRY_MS.length) {
        LOG.debugf("cannot list the domains of %s yet: %s", claimingHost, e.getMessage());
        return Outcome.UNREACHABLE;
      }
      LOG.warnf(
          "host %s claimed VM %s of host %s but could not be asked (%s); ignored",
          claimingHost, vmId, owner, e.getMessage());
      return Outcome.REFUSED;
    }
    Optional<Domain> claimed =
        find(listed, vmId).filter(d -> d.getState() == DomainState.DOMAIN_STATE_RUNNING);
    if (claimed.isEmpty()) {
      LOG.warnf(
          "host %s claimed VM %s of host %s but does not list it running; ignored",
          claimingHost, vmId, owner);
      return Outcome.REFUSED;
    }
    if (stillRunsIt(owner, vmId, known.get().hostOnline())) {
      LOG.warnf(
          "host %s claimed VM %s that host %s still runs; ignored", claimingHost, vmId, owner);
      return Outcome.REFUSED;
    }
    Instant now = clock.instant();
    Optional<Vm> moved = DomainMapping.toVm(claimed.get(), claimingHost, now);
    if (moved.isEmpty()) {
      return Outcome.REFUSED;
    }
    transactions.inTransaction(
        connection -> {
          vms.upsert(connection, moved.get());
          audit.record(
              connection,
              AuditRecord.of(
                  AuditKind.VM_MOVED,
                  now,
                  AuditKind.SYSTEM_ACTOR,
                  "",
                  vmId,
                  null,
                  "moved from host " + owner + " to host " + claimingHost + " (live migration)",
                  Map.of("fromHost", owner, "toHost", claimingHost)));
          return null;
        });
    LOG.infof(
        "VM %s moved from host %s to host %s (checked with both agents)",
        vmId, owner, claimingHost);
    movedEvents.fire(new VmMoved(vmId, owner, claimingHost));
    return Outcome.MOVED;
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

  /** Checks whose claiming host could not be asked, so far (for diagnostics and tests). */
  public long unanswered() {
    return unanswered.get();
  }

  private static Optional<Domain> find(List<Domain> domains, UUID vmId) {
    return domains.stream().filter(d -> d.getUuid().equalsIgnoreCase(vmId.toString())).findFirst();
  }

  void shutdown(@Observes ShutdownEvent event) {
    worker.shutdownNow();
  }
}
