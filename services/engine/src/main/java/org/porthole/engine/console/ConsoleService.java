package org.porthole.engine.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.porthole.engine.acl.AccessEvaluator;
import org.porthole.engine.acl.AccessRules;
import org.porthole.engine.acl.ConsoleMode;
import org.porthole.engine.acl.Permission;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.engine.audit.AuditKind;
import org.porthole.engine.audit.AuditLog;
import org.porthole.engine.audit.AuditRecord;
import org.porthole.engine.auth.Caller;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.guest.ConsolePolicy;
import org.porthole.engine.guest.ConsolePolicyRepository;
import org.porthole.engine.inventory.Vm;
import org.porthole.engine.inventory.VmListing;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.engine.inventory.VmState;
import org.porthole.engine.sso.SsoIssuer;
import org.porthole.engine.sso.SsoTicket;
import org.porthole.engine.token.ConsoleTokens;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * Issues console sessions: checks the VM and the caller's ACL, the console limits and an exposed
 * VM's opt-in, settles a takeover, has the host agent prepare the console, stores the session,
 * signs the proxy token and audits it, all in one transaction that holds the caller's and the VM's
 * advisory locks (in that order), so tickets for one VM or one user are issued one at a time even
 * across replicas. No password is made or handed out: the host agent sets QEMU's per console and
 * keeps it; the token is the client's only credential. With SSO the same session also gets an SSO
 * channel token ({@link SsoIssuer}).
 */
@ApplicationScoped
public class ConsoleService {

  /** The console channel a session is issued for (an SSO token rides on the same session). */
  public static final String CHANNEL_VNC = ConsoleClaims.CHANNEL_VNC;

  private static final int MAX_TICKET_SECONDS = 600;

  /** How much of a host agent's refusal text an SSO refusal repeats. */
  private static final int AGENT_TEXT_CHARS = 200;

  private static final Logger LOG = Logger.getLogger(ConsoleService.class);

  private final Transactions transactions;
  private final VmRepository vms;
  private final SessionRepository sessions;
  private final HostAgentClient agents;
  private final AccessEvaluator access;
  private final Takeover takeover;
  private final AuditLog audit;
  private final ConsoleTokens tokens;
  private final Clock clock;
  private final ConsoleLimits limits;
  private final ExposureRepository exposure;
  private final ConsolePolicyRepository policies;
  private final int ticketSeconds;
  private final String proxyUrl;
  private final SsoIssuer ssoIssuer;
  private final TicketMetrics metrics;

  @Inject
  public ConsoleService(
      Transactions transactions,
      VmRepository vms,
      SessionRepository sessions,
      HostAgentClient agents,
      AccessEvaluator access,
      Takeover takeover,
      AuditLog audit,
      ConsoleTokens tokens,
      Clock clock,
      ConsoleLimits limits,
      ExposureRepository exposure,
      ConsolePolicyRepository policies,
      SsoIssuer ssoIssuer,
      TicketMetrics metrics,
      @ConfigProperty(name = "porthole.ticket.seconds", defaultValue = "120") int ticketSeconds,
      @ConfigProperty(name = "porthole.proxy.url", defaultValue = "ws://localhost:8081/v1/console")
          String proxyUrl) {
    if (ticketSeconds < 1 || ticketSeconds > MAX_TICKET_SECONDS) {
      throw new IllegalArgumentException(
          "porthole.ticket.seconds must be 1.." + MAX_TICKET_SECONDS + ", was " + ticketSeconds);
    }
    this.transactions = transactions;
    this.vms = vms;
    this.sessions = sessions;
    this.agents = agents;
    this.access = access;
    this.takeover = takeover;
    this.audit = audit;
    this.tokens = tokens;
    this.clock = clock;
    this.limits = limits;
    this.exposure = exposure;
    this.policies = policies;
    this.ticketSeconds = ticketSeconds;
    this.proxyUrl = proxyUrl;
    this.ssoIssuer = ssoIssuer;
    this.metrics = metrics;
  }

  /**
   * Opens a console session on {@code vmId} for {@code caller}. A refusal is audited in its own
   * transaction; an issued ticket in the ticket's. Both are counted here, once ({@link
   * TicketMetrics}).
   *
   * @throws PortholeException NOT_FOUND (unknown VM), FORBIDDEN (the permission the mode needs,
   *     named even when the caller may not see the VM, or console.takeover while another user holds
   *     the console, or console.sso when SSO is asked), CONFLICT (not running or not
   *     ticket-capable; exposed and not opted in; held and takeover not asked; with SSO: no
   *     Kerberos principal, no SPN, no SSO channel), TOO_MANY_REQUESTS (a console limit),
   *     UPSTREAM_UNAVAILABLE (host agent offline or unreachable; with SSO: the directory)
   */
  public IssuedConsole issue(
      Caller caller, UUID vmId, ConsoleMode mode, boolean takeoverAsked, boolean ssoAsked)
      throws SQLException {
    try {
      IssuedConsole issued = issueLocked(caller, vmId, mode, takeoverAsked, ssoAsked);
      metrics.issued(mode, issued.sso().isPresent());
      LOG.infof(
          "session %s (%s) issued to %s for VM %s on %s",
          issued.session().id(), mode.wireName(), caller.name(), vmId, issued.session().hostId());
      return issued;
    } catch (PortholeException e) {
      audit.recordAlone(
          AuditRecord.of(
              AuditKind.TICKET_REFUSED,
              clock.instant(),
              caller.name(),
              caller.clientAddress(),
              vmId,
              null,
              e.getMessage(),
              Map.of(
                  "status",
                  e.status().name(),
                  "mode",
                  mode.wireName(),
                  "takeover",
                  takeoverAsked,
                  "sso",
                  ssoAsked)));
      metrics.refused(e.status());
      throw e;
    }
  }

  /**
   * Refuses without queueing: only callers who hold the permissions wait on the VM's lock (each
   * waiter holds a pooled connection). Checked again under the lock. With SSO, the caller's
   * principal is looked up here, outside the locks.
   *
   * @return the caller's Kerberos principal with SSO, else empty
   */
  private Optional<String> requireBeforeQueueing(
      Caller caller, UUID vmId, ConsoleMode mode, boolean ssoAsked) throws SQLException {
    transactions.read(
        connection -> {
          vms.find(connection, vmId).orElseThrow(() -> AccessEvaluator.notFound(vmId));
          Set<Permission> held =
              access.requireForConsole(connection, caller, vmId, AccessRules.neededFor(mode));
          if (ssoAsked) {
            SsoIssuer.requirePermission(held, vmId);
          }
          return held;
        });
    return ssoAsked ? Optional.of(ssoIssuer.principalOf(caller)) : Optional.empty();
  }

  private IssuedConsole issueLocked(
      Caller caller, UUID vmId, ConsoleMode mode, boolean takeoverAsked, boolean ssoAsked)
      throws SQLException {
    UUID sessionId = UUID.randomUUID();
    Optional<String> principal = requireBeforeQueueing(caller, vmId, mode, ssoAsked);
    return transactions.inTransaction(
        connection -> {
          sessions.lockOwner(connection, caller.name());
          sessions.lockVm(connection, vmId);
          VmListing listing =
              vms.find(connection, vmId).orElseThrow(() -> AccessEvaluator.notFound(vmId));
          Set<Permission> held =
              access.requireForConsole(connection, caller, vmId, AccessRules.neededFor(mode));
          if (ssoAsked) {
            SsoIssuer.requirePermission(held, vmId);
          }
          Vm vm = requireTicketCapable(listing);
          boolean exposedAllowed = requireExposureAllowed(connection, vm);
          Instant now = clock.instant();
          limits.requireUserWithin(connection, sessions, caller.name(), now);
          if (mode == ConsoleMode.INTERACTIVE) {
            takeover.clear(connection, caller, vm, held, takeoverAsked, now);
          }
          limits.requireVmWithin(sessions.liveOnVm(connection, vmId, now), vmId);
          ConsoleSession session =
              ConsoleSession.issued(
                  sessionId,
                  vmId,
                  vm.hostId(),
                  caller,
                  CHANNEL_VNC,
                  mode,
                  now,
                  now.plusSeconds(ticketSeconds));
          sessions.insert(connection, session);
          HostAgentClient.Prepared prepared = prepare(vm, session, exposedAllowed, ssoAsked);
          String token = sign(caller, session, vm);
          Optional<SsoTicket> sso = Optional.empty();
          if (principal.isPresent()) {
            sso =
                Optional.of(
                    ssoIssuer.issue(
                        connection,
                        caller,
                        held,
                        ssoConsole(session),
                        principal.get(),
                        prepared.guestSpn()));
          }
          int reconnectWindow =
              policies
                  .find(connection, vmId)
                  .map(p -> p.policy().reconnectWindowSeconds())
                  .orElse(ConsolePolicy.DEFAULT_RECONNECT_WINDOW_SECONDS);
          audit.record(connection, issuedRecord(caller, session, vm, exposedAllowed, sso));
          return new IssuedConsole(session, token, proxyUrl, reconnectWindow, sso);
        });
  }

  private String sign(Caller caller, ConsoleSession session, Vm vm) {
    return tokens
        .sign(
            caller.name(),
            session.id(),
            session.vmId(),
            vm.hostId(),
            CHANNEL_VNC,
            session.mode().wireName(),
            ticketSeconds)
        .compact();
  }

  private SsoIssuer.Console ssoConsole(ConsoleSession session) {
    return new SsoIssuer.Console(
        session.id(),
        session.vmId(),
        session.hostId(),
        session.mode().wireName(),
        ticketSeconds,
        session.createdAt());
  }

  private static AuditRecord issuedRecord(
      Caller caller,
      ConsoleSession session,
      Vm vm,
      boolean exposedAllowed,
      Optional<SsoTicket> sso) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("mode", session.mode().wireName());
    detail.put("hostId", vm.hostId());
    detail.put("expiresAt", session.expiresAt().toString());
    detail.put("exposed", exposedAllowed);
    detail.put("sso", sso.isPresent());
    sso.ifPresent(
        t -> {
          detail.put("spn", t.spn());
          detail.put("delegation", t.delegation());
          detail.put("principal", t.principal());
        });
    return AuditRecord.of(
        AuditKind.TICKET_ISSUED,
        session.createdAt(),
        caller.name(),
        caller.clientAddress(),
        session.vmId(),
        session.id(),
        "",
        detail);
  }

  /**
   * A VM whose VNC listens beyond loopback can be reached around Porthole: it gets tickets only
   * while a porthole-admin has opted it in.
   *
   * @return true when the VM is exposed and opted in (the agent is told it may prepare it)
   */
  private boolean requireExposureAllowed(Connection connection, Vm vm) throws SQLException {
    if (!vm.graphics().exposed()) {
      return false;
    }
    if (exposure.find(connection, vm.id()).isEmpty()) {
      throw new PortholeException(
          PortholeStatus.CONFLICT,
          "VM "
              + vm.id()
              + " graphics listen beyond loopback,"
              + " reachable around Porthole; a porthole-admin must allow its consoles first"
              + " (PUT /api/v1/vms/"
              + vm.id()
              + "/exposed-consoles)");
    }
    return true;
  }

  private static Vm requireTicketCapable(VmListing listing) {
    Vm vm = listing.vm();
    if (vm.state() == VmState.MIGRATING) {
      throw new PortholeException(
          PortholeStatus.UPSTREAM_UNAVAILABLE,
          "VM " + vm.id() + " is being live-migrated to another host; ask again in a few seconds");
    }
    if (!vm.acceptsTickets()) {
      throw new PortholeException(PortholeStatus.CONFLICT, whyNoTicket(vm));
    }
    if (!listing.hostOnline()) {
      throw new PortholeException(
          PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent of VM " + vm.id() + " is offline");
    }
    return vm;
  }

  static String whyNoTicket(Vm vm) {
    if (vm.graphics() == null) {
      return "VM " + vm.id() + " has no graphics device";
    }
    if (!vm.graphics().passwordCapable()) {
      return "VM "
          + vm.id()
          + " graphics were started without password authentication; tickets cannot work";
    }
    return "VM " + vm.id() + " is " + vm.state().wireName() + ", not running";
  }

  private HostAgentClient.Prepared prepare(
      Vm vm, ConsoleSession session, boolean allowExposed, boolean sso) {
    try {
      return agents.prepareConsole(
          vm.hostId(),
          vm.id(),
          session.id(),
          session.mode().wireName(),
          ticketSeconds,
          allowExposed,
          sso);
    } catch (AgentCallException e) {
      LOG.warnf("session %s not issued: %s", session.id(), e.getMessage());
      if (sso && e.status() == PortholeStatus.CONFLICT) {
        String said = e.agentDescription(AGENT_TEXT_CHARS);
        if (!said.isEmpty()) {
          throw new PortholeException(
              e.status(), "the host agent refused a console of VM " + vm.id() + ": " + said);
        }
      }
      throw new PortholeException(e.status(), agentFailure(e.status(), vm));
    }
  }

  private static String agentFailure(PortholeStatus status, Vm vm) {
    switch (status) {
      case NOT_FOUND:
        return "the host agent does not know VM " + vm.id();
      case CONFLICT:
        return "the host agent refused a console of VM "
            + vm.id()
            + ": not running, not password-capable, or its VNC listens beyond loopback";
      case UPSTREAM_UNAVAILABLE:
        return "the host agent of VM " + vm.id() + " is unreachable";
      default:
        return "the host agent failed to prepare a console of VM " + vm.id();
    }
  }
}
