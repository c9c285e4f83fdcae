package org.porthole.engine.console;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.engine.agent.LiveConsoles;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.db.Sql;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.guest.ConsolePolicyService;
import org.porthole.engine.inventory.Host;
import org.porthole.engine.inventory.HostRepository;
import org.porthole.engine.inventory.InventoryLearned;
import org.porthole.engine.inventory.VmMoved;
import org.porthole.status.PortholeStatus;

/**
 * Keeps sessions true to the host agents' live relays, so a session is never {@code connected}
 * forever because a DISCONNECT was lost or an agent died: a connected session of an offline host is
 * closed {@code host-offline}; a connected session its (online) agent does not relay is closed
 * {@code relay-gone}; a relay whose session is closed here is ended on the agent. Each closure is
 * audited ({@code console.reconciled}). Runs every {@code porthole.console.reconcile-every} (one
 * replica at a time, an advisory lock) and at once for a host whose inventory was relearned (a
 * restarted agent lost its relays). Sessions younger than {@link #GRACE} are left alone: their
 * relay may still be opening.
 */
@ApplicationScoped
public class Reconciliation {

  /** A session created this recently is never judged: its INITIALIZE and relay may be in flight. */
  static final Duration GRACE = Duration.ofSeconds(5);

  public static final String RELAY_GONE = "relay-gone";
  public static final String HOST_OFFLINE = "host-offline";
  public static final String MIGRATED = "migrated";

  /**
   * An interactive console that ended this recently before a VM moved was ended by the move (QEMU
   * on the old host closes its clients when the migration ends, a few seconds before the move).
   */
  static final Duration HOLDER_WINDOW = Duration.ofSeconds(60);

  private static final int LOCK_NAMESPACE = 0x5245434e;
  private static final int LOCK_KEY = 1;
  private static final Logger LOG = Logger.getLogger(Reconciliation.class);

  private final Transactions transactions;
  private final SessionRepository sessions;
  private final HostRepository hosts;
  private final HostAgentClient agents;
  private final ConsoleEnder ender;
  private final AuditLog audit;
  private final ConsolePolicyService policies;
  private final Clock clock;

  @Inject
  public Reconciliation(
      Transactions transactions,
      SessionRepository sessions,
      HostRepository hosts,
      HostAgentClient agents,
      ConsoleEnder ender,
      AuditLog audit,
      ConsolePolicyService policies,
      Clock clock) {
    this.transactions = transactions;
    this.sessions = sessions;
    this.hosts = hosts;
    this.agents = agents;
    this.ender = ender;
    this.audit = audit;
    this.policies = policies;
    this.clock = clock;
  }

  @Scheduled(
      every = "${porthole.console.reconcile-every:10s}",
      delayed = "5s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    try {
      reconcileAll();
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("session reconciliation failed: %s", e.toString());
    }
  }

  /** A host agent is new or restarted: whatever it relayed before is gone. */
  void onInventoryLearned(@Observes InventoryLearned learned) {
    try {
      transactions.inTransaction(
          connection -> {
            Sql.advisoryLock(connection, LOCK_NAMESPACE, LOCK_KEY);
            return reconcileHost(connection, learned.hostId());
          });
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(
          "sessions of host %s not reconciled now (next pass retries): %s",
          learned.hostId(), e.toString());
    }
  }

  /**
   * A VM moved to another host (live migration): its sessions on the old host are over, QEMU there
   * is gone; connected ones and unused tickets alike close {@code migrated} (the old host refuses
   * their tokens anyway: it no longer runs the VM). The clients ask for fresh tickets, which name
   * the new host. The new host gets the VM's console policy and the user who held its interactive
   * console (closed in the last {@link #HOLDER_WINDOW}): it waits for them, then applies the
   * disconnect action.
   */
  void onVmMoved(@Observes VmMoved moved) {
    Optional<String> holder = Optional.empty();
    try {
      holder =
          transactions.inTransaction(
              connection -> {
                sessions.lockVm(connection, moved.vmId());
                Instant now = clock.instant();
                for (ConsoleSession session : sessions.liveOnVm(connection, moved.vmId(), now)) {
                  if (session.hostId().equals(moved.fromHost())) {
                    close(
                        connection,
                        session,
                        MIGRATED,
                        "its VM moved from host " + moved.fromHost() + " to host " + moved.toHost(),
                        now);
                  }
                }
                return sessions.lastHolder(
                    connection, moved.vmId(), moved.fromHost(), now.minus(HOLDER_WINDOW));
              });
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(
          "sessions of VM %s on host %s not closed now (reconciliation closes them): %s",
          moved.vmId(), moved.fromHost(), e.toString());
    }
    policies.giveToNewHost(moved.vmId(), moved.toHost(), holder);
  }

  /**
   * One pass over every host: closes connected sessions of offline hosts, then asks each online
   * host which consoles it relays. Skipped while another replica runs one.
   *
   * @return the sessions closed
   */
  public List<UUID> reconcileAll() throws SQLException {
    return transactions.inTransaction(
        connection -> {
          if (!Sql.tryAdvisoryLock(connection, LOCK_NAMESPACE, LOCK_KEY)) {
            return List.of();
          }
          List<UUID> closed = new ArrayList<>(closeOfflineHosts(connection));
          for (Host host : hosts.list(connection)) {
            if (host.online()) {
              closed.addAll(reconcileHost(connection, host.id()));
            }
          }
          return closed;
        });
  }

  private List<UUID> closeOfflineHosts(Connection connection) throws SQLException {
    Instant now = clock.instant();
    List<UUID> closed = new ArrayList<>();
    for (ConsoleSession session : sessions.connectedOnOfflineHosts(connection)) {
      if (close(
          connection,
          session,
          HOST_OFFLINE,
          "its host agent " + session.hostId() + " is offline",
          now)) {
        closed.add(session.id());
      }
    }
    return closed;
  }

  private List<UUID> reconcileHost(Connection connection, String hostId) throws SQLException {
    Instant now = clock.instant();
    List<ConsoleSession> candidates =
        sessions.connectedOnHost(connection, hostId, now.minus(GRACE));
    LiveConsoles live;
    try {
      live = agents.listConsoles(hostId);
    } catch (AgentCallException e) {
      LOG.warnf(
          "host %s: live consoles not listed (%s); its sessions stay until it answers or goes offline",
          hostId, e.getMessage());
      return List.of();
    }
    List<UUID> closed = new ArrayList<>();
    for (ConsoleSession session : candidates) {
      if (!live.relays(session.id().toString())
          && close(connection, session, RELAY_GONE, "its host agent no longer relays it", now)) {
        closed.add(session.id());
      }
    }
    endStrayRelays(connection, hostId, live);
    return closed;
  }

  /**
   * Relays the agent keeps for sessions that are closed here (or unknown) are ended. A session
   * being issued is unknown here until its transaction commits, though its host agent prepared it
   * before: the issue holds its VM's lock from before it asks the agent until it commits, so each
   * stray's VM lock is taken (in one order: passes of several engines never wait on each other in a
   * circle) and the strays are asked again under them, when every such issue has committed or
   * rolled back.
   */
  private void endStrayRelays(Connection connection, String hostId, LiveConsoles live)
      throws SQLException {
    Set<UUID> listed = new HashSet<>();
    live.vmBySession().keySet().forEach(id -> parse(id).ifPresent(listed::add));
    if (listed.isEmpty()) {
      return;
    }
    Set<UUID> strays = sessions.closedOrUnknown(connection, listed);
    if (strays.isEmpty()) {
      return;
    }
    List<UUID> vmsToLock =
        strays.stream()
            .map(stray -> parse(live.vmBySession().get(stray.toString())))
            .flatMap(Optional::stream)
            .distinct()
            .sorted(Comparator.comparingInt(UUID::hashCode).thenComparing(UUID::compareTo))
            .toList();
    for (UUID vm : vmsToLock) {
      sessions.lockVm(connection, vm);
    }
    for (UUID stray : sessions.closedOrUnknown(connection, strays)) {
      Optional<UUID> vm = parse(live.vmBySession().get(stray.toString()));
      if (vm.isEmpty()) {
        continue;
      }
      try {
        ender.end(
            hostId, vm.get(), List.of(stray), PortholeStatus.FORBIDDEN, "console session closed");
      } catch (AgentCallException e) {
        LOG.warnf(
            "host %s: relay of closed session %s not ended (%s); retried next pass",
            hostId, stray, e.getMessage());
      }
    }
  }

  private boolean close(
      Connection connection, ConsoleSession session, String closeReason, String why, Instant now)
      throws SQLException {
    if (!sessions.markEnded(connection, session.id(), now, closeReason)) {
      return false;
    }
    audit.record(
        connection,
        AuditRecord.of(
            AuditKind.RECONCILED,
            now,
            AuditKind.SYSTEM_ACTOR,
            "",
            session.vmId(),
            session.id(),
            why,
            Map.of(
                "owner",
                session.owner(),
                "hostId",
                session.hostId(),
                "closeReason",
                closeReason,
                "mode",
                session.mode().wireName())));
    LOG.infof("session %s closed %s: %s", session.id(), closeReason, why);
    return true;
  }

  private static Optional<UUID> parse(String raw) {
    try {
      return raw == null ? Optional.empty() : Optional.of(UUID.fromString(raw));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
