package org.porthole.engine.agent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.api.hostagent.v1.SetGraphicsTicketRequest;
import org.porthole.api.hostagent.v1.SetGraphicsTicketResponse;
import org.porthole.status.PortholeStatus;

/**
 * The engine's calls to host agents: list their domains, set a one-time graphics password, set
 * a VM's console policy, end consoles Porthole no longer allows.
 * Blocking calls with a deadline; gRPC failures become {@link AgentCallException}s that carry
 * the Porthole status to answer with. Thread-safe.
 */
@ApplicationScoped
public class HostAgentClient {

    private static final long DEADLINE_SECONDS = 5;

    private final AgentChannels channels;

    @Inject
    public HostAgentClient(AgentChannels channels) {
        this.channels = channels;
    }

    /** Every domain libvirt knows on {@code hostId}. */
    public List<Domain> listDomains(String hostId) throws AgentCallException {
        try {
            return stub(hostId).listDomains(ListDomainsRequest.getDefaultInstance()).getDomainsList();
        } catch (StatusRuntimeException e) {
            throw failure("ListDomains", hostId, e);
        }
    }

    /**
     * Sets {@code password} as the VM's graphics password for {@code validSeconds}.
     *
     * @return when the password stops working, as the agent reports it
     */
    public Instant setGraphicsTicket(String hostId, UUID vmId, String password, int validSeconds, UUID sessionId)
            throws AgentCallException {
        SetGraphicsTicketRequest request = SetGraphicsTicketRequest.newBuilder()
                .setVmUuid(vmId.toString())
                .setPassword(password)
                .setValidSeconds(validSeconds)
                .setSessionId(sessionId.toString())
                .build();
        try {
            SetGraphicsTicketResponse response = stub(hostId).setGraphicsTicket(request);
            return Instant.ofEpochMilli(response.getValidUntilEpochMs());
        } catch (StatusRuntimeException e) {
            throw failure("SetGraphicsTicket", hostId, e);
        }
    }

    /** Gives the VM's console policy to its host agent (which keeps it in memory). */
    public void setConsolePolicy(String hostId, UUID vmId, DisconnectAction action, int graceMs,
            int reconnectWindowSeconds) throws AgentCallException {
        SetConsolePolicyRequest request = SetConsolePolicyRequest.newBuilder()
                .setVmUuid(vmId.toString())
                .setDisconnectAction(action)
                .setGraceMs(graceMs)
                .setReconnectWindowS(reconnectWindowSeconds)
                .build();
        try {
            stub(hostId).setConsolePolicy(request);
        } catch (StatusRuntimeException e) {
            throw failure("SetConsolePolicy", hostId, e);
        }
    }

    /**
     * Ends the named console sessions on the VM (takeover, revocation): their relays get
     * {@code close{status, reason}}, an unused ticket of theirs is expired, their tokens refused.
     *
     * @param status a Porthole status name, e.g. FORBIDDEN or CONFLICT
     * @param reason shown to the user whose console ends; no secrets
     * @return how many relays were open and are now closed
     */
    public int endConsoles(String hostId, UUID vmId, List<UUID> sessionIds, PortholeStatus status, String reason)
            throws AgentCallException {
        EndConsolesRequest request = EndConsolesRequest.newBuilder()
                .setVmUuid(vmId.toString())
                .addAllSessionIds(sessionIds.stream().map(UUID::toString).toList())
                .setStatus(status.name())
                .setReason(reason)
                .build();
        try {
            return stub(hostId).endConsoles(request).getEndedRelays();
        } catch (StatusRuntimeException e) {
            throw failure("EndConsoles", hostId, e);
        }
    }

    private HostAgentGrpc.HostAgentBlockingStub stub(String hostId) {
        return HostAgentGrpc.newBlockingStub(channels.channel(hostId))
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static AgentCallException failure(String call, String hostId, StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        String message = call + " on " + hostId + " failed: " + code;
        return new AgentCallException(statusOf(code), message, e);
    }

    /** How a gRPC failure of the agent is answered at the engine's edge. */
    static PortholeStatus statusOf(Status.Code code) {
        switch (code) {
            case NOT_FOUND:
                return PortholeStatus.NOT_FOUND;
            case FAILED_PRECONDITION:
                return PortholeStatus.CONFLICT;
            case UNAVAILABLE:
            case DEADLINE_EXCEEDED:
            case UNAUTHENTICATED:
            case PERMISSION_DENIED:
            case CANCELLED:
                return PortholeStatus.UPSTREAM_UNAVAILABLE;
            default:
                return PortholeStatus.INTERNAL;
        }
    }
}
