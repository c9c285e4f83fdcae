package org.porthole.engine.console;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.porthole.engine.acl.AclChanges;
import org.porthole.engine.acl.AclEntry;
import org.porthole.engine.acl.AclRepository;
import org.porthole.engine.acl.TagRepository;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.auth.UserDirectory;
import org.porthole.engine.db.Sql;
import org.porthole.engine.db.Transactions;
import org.porthole.status.PortholeStatus;

/**
 * Ends live consoles whose owner lost access: ACL or tag deleted, user disabled, deleted or removed
 * from a group. Runs after every ACL or tag change (in that request, after its commit) and every 2
 * s from the scheduler, so directory changes made in Keycloak are seen too. One engine replica
 * sweeps at a time (a PostgreSQL advisory lock). Each ended console is told to its host agent first
 * ({@code EndConsoles(FORBIDDEN, …)}), then closed as {@code revoked} and audited in one
 * transaction; a console whose agent could not be told stays live and is tried again on the next
 * sweep.
 */
@ApplicationScoped
public class Revocation {

  /** Session close reason for a console ended by revocation. */
  public static final String CLOSE_REASON = "revoked";

  private static final int LOCK_NAMESPACE = 0x5245564b;
  private static final int LOCK_KEY = 1;
  private static final Logger LOG = Logger.getLogger(Revocation.class);

  private final Transactions transactions;
  private final SessionRepository sessions;
  private final AclRepository acls;
  private final TagRepository tags;
  private final ConsoleEnder ender;
  private final AuditLog audit;
  private final Instance<UserDirectory> directory;
  private final Clock clock;

  @Inject
  public Revocation(
      Transactions transactions,
      SessionRepository sessions,
      AclRepository acls,
      TagRepository tags,
      ConsoleEnder ender,
      AuditLog audit,
      Instance<UserDirectory> directory,
      Clock clock) {
    this.transactions = transactions;
    this.sessions = sessions;
    this.acls = acls;
    this.tags = tags;
    this.ender = ender;
    this.audit = audit;
    this.directory = directory;
    this.clock = clock;
  }

  @Scheduled(every = "2s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduledSweep() {
    try {
      sweep(false);
    } catch (SQLException | RuntimeException e) {
      LOG.warnf("revocation sweep failed: %s", e.toString());
    }
  }

  /** Sweeps now after an ACL or tag change, waiting for another replica's sweep to finish first. */
  void afterChange(@Observes AclChanges.AccessChanged changed) {
    try {
      sweep(true);
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(
          "revocation after an ACL change failed (the sweeper retries within 2 s): %s",
          e.toString());
    }
  }

  /**
   * Ends every live console whose owner lost access.
   *
   * @param wait true: wait for the sweep lock; false: skip when another replica holds it
   * @return the ended sessions
   */
  public List<UUID> sweep(boolean wait) throws SQLException {
    return transactions.inTransaction(
        connection -> {
          if (!lock(connection, wait)) {
            return List.of();
          }
          Instant now = clock.instant();
          List<ConsoleSession> live = sessions.live(connection, now);
          if (live.isEmpty()) {
            return List.of();
          }
          Map<ConsoleSession, String> revoked = judge(connection, live);
          return end(connection, revoked, now);
        });
  }

  private Map<ConsoleSession, String> judge(Connection connection, List<ConsoleSession> live)
      throws SQLException {
    Map<String, OwnerStatus> owners = new HashMap<>();
    Map<UUID, Set<String>> vmTags =
        tags.tagsOf(connection, live.stream().map(ConsoleSession::vmId).distinct().toList());
    Map<String, List<AclEntry>> entriesByJudged = new HashMap<>();
    Map<ConsoleSession, String> revoked = new LinkedHashMap<>();
    for (ConsoleSession session : live) {
      OwnerStatus owner = owners.computeIfAbsent(session.owner(), this::ask);
      Caller judged = RevocationRules.judgedAs(session, owner);
      String key = judged.name() + "\u0000" + String.join("\u0000", new TreeSet<>(judged.groups()));
      List<AclEntry> entries = entriesByJudged.get(key);
      if (entries == null) {
        entries =
            judged.admin()
                ? List.of()
                : acls.forSubject(connection, judged.name(), judged.groups());
        entriesByJudged.put(key, entries);
      }
      Optional<String> why =
          RevocationRules.whyEnd(
              session, owner, entries, vmTags.getOrDefault(session.vmId(), Set.of()));
      why.ifPresent(reason -> revoked.put(session, reason));
    }
    return revoked;
  }

  private OwnerStatus ask(String owner) {
    if (!directory.isResolvable()) {
      LOG.warnf("no user directory: consoles of %s are judged by ACLs only", owner);
      return OwnerStatus.unavailable();
    }
    try {
      return OwnerStatus.of(directory.get().lookup(owner));
    } catch (RuntimeException e) {
      // DirectoryUnavailableException, or any other failure to ask: never a reason to revoke.
      LOG.warnf(
          "user directory unavailable (%s): consoles of %s are not revoked on directory grounds now",
          e.getMessage(), owner);
      return OwnerStatus.unavailable();
    }
  }

  private List<UUID> end(Connection connection, Map<ConsoleSession, String> revoked, Instant now)
      throws SQLException {
    Map<UUID, List<ConsoleSession>> byVm = new LinkedHashMap<>();
    revoked.keySet().forEach(s -> byVm.computeIfAbsent(s.vmId(), id -> new ArrayList<>()).add(s));
    List<UUID> ended = new ArrayList<>();
    for (List<ConsoleSession> group : byVm.values()) {
      ConsoleSession first = group.get(0);
      try {
        ender.end(
            first.hostId(),
            first.vmId(),
            group.stream().map(ConsoleSession::id).toList(),
            PortholeStatus.FORBIDDEN,
            "access revoked");
      } catch (AgentCallException e) {
        LOG.warnf(
            "VM %s: %d revoked console(s) not ended yet, host agent unreachable (%s); retrying",
            first.vmId(), group.size(), e.getMessage());
        continue;
      }
      for (ConsoleSession session : group) {
        if (sessions.markEnded(connection, session.id(), now, CLOSE_REASON)) {
          audit.record(
              connection,
              AuditRecord.of(
                  AuditKind.REVOKED,
                  now,
                  AuditKind.SYSTEM_ACTOR,
                  "",
                  session.vmId(),
                  session.id(),
                  revoked.get(session),
                  Map.of("owner", session.owner(), "mode", session.mode().wireName())));
          ended.add(session.id());
        }
      }
    }
    return ended;
  }

  private static boolean lock(Connection connection, boolean wait) throws SQLException {
    if (wait) {
      Sql.advisoryLock(connection, LOCK_NAMESPACE, LOCK_KEY);
      return true;
    }
    return Sql.tryAdvisoryLock(connection, LOCK_NAMESPACE, LOCK_KEY);
  }
}
