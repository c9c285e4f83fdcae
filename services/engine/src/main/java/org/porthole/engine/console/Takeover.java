package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.porthole.engine.acl.ConsoleMode;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.EndedConsoles;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.Vm;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Decides what an interactive ticket does to a VM whose console another user holds (their
 * interactive session is issued-unexpired or connected). Without {@code console.takeover}: 403
 * naming it and the holder. With it but not asked for: 409, so the page can ask the user. With
 * both: the holder's consoles are ended on the host agent FIRST, which also applies the VM's
 * disconnect action (locks the screen) before it answers, so the new holder never sees the old
 * holder's desktop; then they are closed and audited with the action's outcome in a transaction of
 * their own (recorded even if the new ticket then fails). View sessions never hold a console and
 * are never taken over. Runs under the VM's ticket lock.
 */
@ApplicationScoped
public class Takeover {

  /** Session close reason for a console ended by a takeover. */
  public static final String CLOSE_REASON = "taken-over";

  private final SessionRepository sessions;
  private final ConsoleEnder ender;
  private final Transactions transactions;
  private final AuditLog audit;

  @Inject
  public Takeover(
      SessionRepository sessions, ConsoleEnder ender, Transactions transactions, AuditLog audit) {
    this.sessions = sessions;
    this.ender = ender;
    this.transactions = transactions;
    this.audit = audit;
  }

  /** Other users' live interactive sessions on the VM: the console's holders. */
  static List<ConsoleSession> holders(List<ConsoleSession> live, String caller) {
    return live.stream()
        .filter(s -> s.mode() == ConsoleMode.INTERACTIVE && !s.owner().equals(caller))
        .toList();
  }

  /**
   * Lets {@code caller}'s interactive ticket proceed, ending the holders' consoles when allowed and
   * asked.
   *
   * @throws PortholeException FORBIDDEN (no console.takeover), CONFLICT (held, takeover not asked),
   *     or the agent's status when the holders' consoles could not be ended
   */
  public void clear(
      Connection connection,
      Caller caller,
      Vm vm,
      Set<Permission> held,
      boolean takeoverAsked,
      Instant now)
      throws SQLException {
    List<ConsoleSession> holders =
        holders(sessions.liveOnVm(connection, vm.id(), now), caller.name());
    if (holders.isEmpty()) {
      return;
    }
    String names =
        holders.stream()
            .map(ConsoleSession::owner)
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
    requireMayTakeOver(vm, held, takeoverAsked, names);
    String reason = "taken over by " + caller.name();
    EndedConsoles ended = end(vm, holders, names, reason);
    transactions.inTransaction(
        c -> {
          for (ConsoleSession holder : holders) {
            sessions.markEnded(c, holder.id(), now, CLOSE_REASON);
            audit.record(
                c,
                AuditRecord.of(
                    AuditKind.TAKEN_OVER,
                    now,
                    caller.name(),
                    caller.clientAddress(),
                    vm.id(),
                    holder.id(),
                    reason,
                    Map.of(
                        "holder",
                        holder.owner(),
                        "by",
                        caller.name(),
                        "disconnectAction",
                        ended.disconnectAction(),
                        "disconnectActionConfirmed",
                        ended.actionConfirmed(),
                        "disconnectActionDetail",
                        ended.actionDetail())));
          }
          return null;
        });
  }

  private static void requireMayTakeOver(
      Vm vm, Set<Permission> held, boolean takeoverAsked, String names) {
    if (!held.contains(Permission.CONSOLE_TAKEOVER)) {
      throw new PortholeException(
          PortholeStatus.FORBIDDEN,
          Permission.CONSOLE_TAKEOVER.wireName()
              + " is required on VM "
              + vm.id()
              + ": its console is held by "
              + names);
    }
    if (!takeoverAsked) {
      throw new PortholeException(
          PortholeStatus.CONFLICT,
          "the console of VM "
              + vm.id()
              + " is held by "
              + names
              + "; ask again with \"takeover\": true to end their console");
    }
  }

  private EndedConsoles end(Vm vm, List<ConsoleSession> holders, String names, String reason) {
    try {
      return ender.end(
          vm.hostId(),
          vm.id(),
          holders.stream().map(ConsoleSession::id).toList(),
          PortholeStatus.CONFLICT,
          reason,
          true);
    } catch (AgentCallException e) {
      throw new PortholeException(
          e.status(),
          "the console of VM "
              + vm.id()
              + " held by "
              + names
              + " could not be ended: its host agent did not answer");
    }
  }
}
