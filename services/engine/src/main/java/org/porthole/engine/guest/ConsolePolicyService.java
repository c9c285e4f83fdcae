package org.porthole.engine.guest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.InventoryLearned;
import org.porthole.engine.inventory.Vm;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Owns the per-VM console policy: stored in PostgreSQL, given to the VM's host agent when it is set
 * and again whenever that agent's inventory is relearned (a restarted agent lost its copy). A
 * policy the agent could not take yet stays stored with {@code pushed_at} empty and is pushed on
 * the agent's return; the answer says which.
 */
@ApplicationScoped
public class ConsolePolicyService {

  private static final Logger LOG = Logger.getLogger(ConsolePolicyService.class);

  /** The policy in force and whether the VM's host agent holds it. */
  public record Applied(ConsolePolicy policy, boolean stored, boolean onHost, String note) {}

  /**
   * How long a migrated VM's new host waits for the user whose console the move ended: the page's
   * and porthole-viewer's reconnect budget (10 s), and 5 s more.
   */
  public static final int MIGRATION_RETURN_MS = 15_000;

  private final Transactions transactions;
  private final ConsolePolicyRepository policies;
  private final VmRepository vms;
  private final HostAgentClient agents;
  private final Clock clock;
  private final AuditLog audit;

  @Inject
  public ConsolePolicyService(
      Transactions transactions,
      ConsolePolicyRepository policies,
      VmRepository vms,
      HostAgentClient agents,
      Clock clock,
      AuditLog audit) {
    this.audit = audit;
    this.transactions = transactions;
    this.policies = policies;
    this.vms = vms;
    this.agents = agents;
    this.clock = clock;
  }

  /** The VM's policy: the stored one, or the defaults. 404 when the VM is unknown. */
  public Applied get(UUID vmId) throws SQLException {
    requireVm(vmId);
    Optional<ConsolePolicyRepository.Stored> stored =
        transactions.read(c -> policies.find(c, vmId));
    if (stored.isEmpty()) {
      return new Applied(ConsolePolicy.defaults(vmId), false, true, "defaults (never set)");
    }
    ConsolePolicyRepository.Stored s = stored.get();
    return new Applied(
        s.policy(),
        true,
        s.pushedAt() != null,
        s.pushedAt() != null ? "" : "not yet taken by the host agent; given to it when it is back");
  }

  /**
   * Stores the policy (audited as {@code caller}'s change), then gives it to the VM's host agent.
   */
  public Applied set(Caller caller, ConsolePolicy policy) throws SQLException {
    Vm vm = requireVm(policy.vmId());
    Instant at = clock.instant();
    transactions.inTransaction(
        c -> {
          policies.upsert(c, policy, at);
          audit.record(
              c,
              AuditRecord.of(
                  AuditKind.POLICY_CHANGED,
                  at,
                  caller.name(),
                  caller.clientAddress(),
                  policy.vmId(),
                  null,
                  "console policy " + policy.disconnectAction().wireName(),
                  Map.of(
                      "disconnectAction",
                      policy.disconnectAction().wireName(),
                      "graceMs",
                      policy.graceMs(),
                      "reconnectWindowSeconds",
                      policy.reconnectWindowSeconds())));
          return null;
        });
    LOG.infof(
        "VM %s: console policy set to %s, grace %d ms, reconnect window %d s",
        policy.vmId(),
        policy.disconnectAction().wireName(),
        policy.graceMs(),
        policy.reconnectWindowSeconds());
    Optional<String> failure = push(vm.hostId(), policy, at);
    return new Applied(policy, true, failure.isEmpty(), failure.orElse(""));
  }

  /** A host agent's inventory was relearned: give it every stored policy of its VMs. */
  void onInventoryLearned(@Observes InventoryLearned learned) {
    List<ConsolePolicyRepository.Stored> stored;
    try {
      stored = transactions.read(c -> policies.forHost(c, learned.hostId()));
    } catch (SQLException e) {
      LOG.warnf(
          e,
          "console policies for host %s not read; pushed at its next restart or change",
          learned.hostId());
      return;
    }
    for (ConsolePolicyRepository.Stored s : stored) {
      push(learned.hostId(), s.policy(), s.updatedAt());
    }
  }

  /**
   * A VM moved to {@code toHost} (live migration): that host's agent gets the VM's policy (stored,
   * or the defaults), and when {@code returning} held its interactive console on the old host, the
   * agent waits {@link #MIGRATION_RETURN_MS} (at least the grace) for that user before it applies
   * the VM's disconnect action: a console the move ended is a disconnect, and the old host can no
   * longer act on the guest.
   */
  public void giveToNewHost(UUID vmId, String toHost, Optional<String> returning) {
    Optional<ConsolePolicyRepository.Stored> stored;
    try {
      stored = transactions.read(c -> policies.find(c, vmId));
    } catch (SQLException e) {
      LOG.warnf(
          e,
          "console policy of VM %s not read; given to host %s at its next restart or change",
          vmId,
          toHost);
      return;
    }
    ConsolePolicy policy =
        stored.map(ConsolePolicyRepository.Stored::policy).orElse(ConsolePolicy.defaults(vmId));
    push(toHost, policy, stored.map(ConsolePolicyRepository.Stored::updatedAt), returning);
  }

  /** Gives the policy to the agent; empty on success, else why not (logged). */
  private Optional<String> push(String hostId, ConsolePolicy policy, Instant updatedAt) {
    return push(hostId, policy, Optional.of(updatedAt), Optional.empty());
  }

  /** The same, a stored policy marked pushed, naming the user a migrated VM's agent awaits. */
  private Optional<String> push(
      String hostId,
      ConsolePolicy policy,
      Optional<Instant> updatedAt,
      Optional<String> returning) {
    try {
      agents.setConsolePolicy(
          hostId,
          policy.vmId(),
          policy.disconnectAction().proto(),
          policy.graceMs(),
          policy.reconnectWindowSeconds(),
          returning.orElse(""),
          returning.isPresent() ? MIGRATION_RETURN_MS : 0);
      if (updatedAt.isPresent()) {
        transactions.inTransaction(
            c -> {
              policies.markPushed(c, policy.vmId(), updatedAt.get(), clock.instant());
              return null;
            });
      }
      return Optional.empty();
    } catch (AgentCallException e) {
      LOG.warnf(
          "console policy of VM %s not given to host %s yet: %s",
          policy.vmId(), hostId, e.getMessage());
      return Optional.of(
          "stored; the host agent could not take it now ("
              + e.status().name()
              + "), it is given to it when it is back");
    } catch (SQLException e) {
      LOG.warnf(e, "console policy of VM %s pushed, but not marked so", policy.vmId());
      return Optional.empty();
    }
  }

  private Vm requireVm(UUID vmId) throws SQLException {
    return transactions
        .read(c -> vms.find(c, vmId))
        .map(listing -> listing.vm())
        .orElseThrow(() -> new PortholeException(PortholeStatus.NOT_FOUND, "no VM " + vmId));
  }
}
