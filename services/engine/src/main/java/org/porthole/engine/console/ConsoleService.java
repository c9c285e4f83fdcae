package org.porthole.engine.console;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.porthole.engine.agent.AgentCallException;
import org.porthole.engine.agent.HostAgentClient;
import org.porthole.engine.db.Transactions;
import org.porthole.engine.inventory.Vm;
import org.porthole.engine.inventory.VmListing;
import org.porthole.engine.inventory.VmRepository;
import org.porthole.engine.token.ConsoleTokens;
import org.porthole.engine.web.ApiException;
import org.porthole.status.PortholeStatus;
import org.porthole.token.ConsoleClaims;

/**
 * Issues console sessions: checks the VM, sets a one-time graphics password through its host
 * agent, stores the session and signs the proxy token, all in one transaction that holds a
 * per-VM advisory lock, so tickets for one VM are issued one at a time even across replicas.
 */
@ApplicationScoped
public class ConsoleService {

    /** Until sign-in arrives (issue 3) every console is for this subject. */
    public static final String ANONYMOUS_SUBJECT = "anonymous@loopback";
    /** The only channel of protocol v1 ({@code sso} is reserved). */
    public static final String CHANNEL_VNC = ConsoleClaims.CHANNEL_VNC;
    private static final int MAX_TICKET_SECONDS = 600;
    private static final Logger LOG = Logger.getLogger(ConsoleService.class);

    private final Transactions transactions;
    private final VmRepository vms;
    private final SessionRepository sessions;
    private final HostAgentClient agents;
    private final ConsoleTokens tokens;
    private final Clock clock;
    private final TicketPassword passwords = new TicketPassword(new SecureRandom());
    private final int ticketSeconds;
    private final String proxyUrl;

    @Inject
    public ConsoleService(Transactions transactions, VmRepository vms, SessionRepository sessions,
            HostAgentClient agents, ConsoleTokens tokens, Clock clock,
            @ConfigProperty(name = "porthole.ticket.seconds", defaultValue = "120") int ticketSeconds,
            @ConfigProperty(name = "porthole.proxy.url", defaultValue = "ws://localhost:8081/v1/console") String proxyUrl) {
        if (ticketSeconds < 1 || ticketSeconds > MAX_TICKET_SECONDS) {
            throw new IllegalArgumentException("porthole.ticket.seconds must be 1.." + MAX_TICKET_SECONDS
                    + ", was " + ticketSeconds);
        }
        this.transactions = transactions;
        this.vms = vms;
        this.sessions = sessions;
        this.agents = agents;
        this.tokens = tokens;
        this.clock = clock;
        this.ticketSeconds = ticketSeconds;
        this.proxyUrl = proxyUrl;
    }

    /**
     * Opens a console session on {@code vmId}.
     *
     * @throws ApiException NOT_FOUND (unknown VM), CONFLICT (not running or not ticket-capable),
     *                      UPSTREAM_UNAVAILABLE (host agent offline or unreachable)
     */
    public IssuedConsole issue(UUID vmId) throws SQLException {
        UUID sessionId = UUID.randomUUID();
        String password = passwords.next();
        IssuedConsole issued = transactions.inTransaction(connection -> {
            sessions.lockVm(connection, vmId);
            VmListing listing = vms.find(connection, vmId)
                    .orElseThrow(() -> new ApiException(PortholeStatus.NOT_FOUND, "no VM " + vmId));
            Vm vm = requireTicketCapable(listing);
            Instant now = clock.instant();
            ConsoleSession session = ConsoleSession.issued(sessionId, vmId, vm.hostId(), ANONYMOUS_SUBJECT,
                    CHANNEL_VNC, now, now.plusSeconds(ticketSeconds));
            sessions.insert(connection, session);
            setTicket(vm, password, sessionId);
            String token = tokens.sign(ANONYMOUS_SUBJECT, sessionId, vmId, vm.hostId(), CHANNEL_VNC,
                    ConsoleClaims.MODE_INTERACTIVE, ticketSeconds)
                    .compact();
            return new IssuedConsole(session, token, password, proxyUrl);
        });
        LOG.infof("session %s issued for VM %s on %s", sessionId, vmId, issued.session().hostId());
        return issued;
    }

    private static Vm requireTicketCapable(VmListing listing) {
        Vm vm = listing.vm();
        if (!vm.acceptsTickets()) {
            throw new ApiException(PortholeStatus.CONFLICT, whyNoTicket(vm));
        }
        if (!listing.hostOnline()) {
            throw new ApiException(PortholeStatus.UPSTREAM_UNAVAILABLE, "the host agent of VM " + vm.id()
                    + " is offline");
        }
        return vm;
    }

    static String whyNoTicket(Vm vm) {
        if (vm.graphics() == null) {
            return "VM " + vm.id() + " has no graphics device";
        }
        if (!vm.graphics().passwordCapable()) {
            return "VM " + vm.id() + " graphics were started without password authentication; tickets cannot work";
        }
        return "VM " + vm.id() + " is " + vm.state().wireName() + ", not running";
    }

    private void setTicket(Vm vm, String password, UUID sessionId) {
        try {
            agents.setGraphicsTicket(vm.hostId(), vm.id(), password, ticketSeconds, sessionId);
        } catch (AgentCallException e) {
            LOG.warnf("session %s not issued: %s", sessionId, e.getMessage());
            throw new ApiException(e.status(), agentFailure(e.status(), vm));
        }
    }

    private static String agentFailure(PortholeStatus status, Vm vm) {
        switch (status) {
            case NOT_FOUND:
                return "the host agent does not know VM " + vm.id();
            case CONFLICT:
                return "the host agent refused a ticket for VM " + vm.id() + ": not running or not password-capable";
            case UPSTREAM_UNAVAILABLE:
                return "the host agent of VM " + vm.id() + " is unreachable";
            default:
                return "the host agent failed to set the ticket for VM " + vm.id();
        }
    }
}
