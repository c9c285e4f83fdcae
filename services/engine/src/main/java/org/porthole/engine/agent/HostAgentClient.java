package org.porthole.engine.agent;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListConsolesRequest;
import org.porthole.api.hostagent.v1.ListConsolesResponse;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.api.hostagent.v1.PrepareConsoleResponse;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.status.PortholeStatus;

/**
 * The engine's calls to host agents: list their domains, prepare a console of a session, list the
 * consoles they relay, set a VM's console policy, end consoles Porthole no longer allows. Blocking
 * calls with a deadline; gRPC failures become {@link AgentCallException}s that carry the Porthole
 * status to answer with. Thread-safe.
 */
@ApplicationScoped
public class HostAgentClient {

  private static final long DEADLINE_SECONDS = 5;

  /** EndConsoles that waits for the guest to lock its screen (the guest agent may take seconds). */
  private static final long ACTION_DEADLINE_SECONDS = 15;

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
   * Asks the agent to get ready for a console of {@code sessionId} on the VM: the agent checks the
   * domain (running, VNC on loopback or a unix socket, password-capable, not exposed unless {@code
   * allowExposed}) and accepts the session's token for {@code validSeconds}. No password crosses
   * this call: the agent sets one per console when the relay opens and keeps it. With {@code sso}
   * the agent also checks the SSO prerequisites (the domain's SSO channel, a responsive guest agent
   * that reported a service principal) and answers the guest's SPN.
   *
   * @return until when a console of the session may open, and with {@code sso} the SPN the guest
   *     reported ("" when none: an agent that does not know SSO)
   */
  public Prepared prepareConsole(
      String hostId,
      UUID vmId,
      UUID sessionId,
      String mode,
      int validSeconds,
      boolean allowExposed,
      boolean sso)
      throws AgentCallException {
    PrepareConsoleRequest request =
        PrepareConsoleRequest.newBuilder()
            .setVmUuid(vmId.toString())
            .setSessionId(sessionId.toString())
            .setMode(mode)
            .setValidSeconds(validSeconds)
            .setAllowExposed(allowExposed)
            .setSso(sso)
            .build();
    try {
      PrepareConsoleResponse response = stub(hostId).prepareConsole(request);
      return new Prepared(
          Instant.ofEpochMilli(response.getValidUntilEpochMs()), response.getGuestSpn());
    } catch (StatusRuntimeException e) {
      throw failure("PrepareConsole", hostId, e);
    }
  }

  /**
   * The agent's answer to PrepareConsole.
   *
   * @param guestSpn the SPN the guest reported (guest input: pin it, never trust it more); "" when
   *     SSO was not asked or the agent answered none
   */
  public record Prepared(Instant validUntil, String guestSpn) {}

  /** The consoles the agent relays now, on every VM, and when the agent process started. */
  public LiveConsoles listConsoles(String hostId) throws AgentCallException {
    try {
      ListConsolesResponse response =
          stub(hostId).listConsoles(ListConsolesRequest.getDefaultInstance());
      return LiveConsoles.of(response);
    } catch (StatusRuntimeException e) {
      throw failure("ListConsoles", hostId, e);
    }
  }

  /** Gives the VM's console policy to its host agent (which keeps it in memory). */
  public void setConsolePolicy(
      String hostId, UUID vmId, DisconnectAction action, int graceMs, int reconnectWindowSeconds)
      throws AgentCallException {
    setConsolePolicy(hostId, vmId, action, graceMs, reconnectWindowSeconds, "", 0);
  }

  /**
   * The same, after a live migration brought the VM to {@code hostId} while {@code returningUser}
   * held its interactive console (empty: nobody): the agent waits {@code returnWaitMs} (at least
   * the grace) for that user before it applies the disconnect action.
   */
  public void setConsolePolicy(
      String hostId,
      UUID vmId,
      DisconnectAction action,
      int graceMs,
      int reconnectWindowSeconds,
      String returningUser,
      int returnWaitMs)
      throws AgentCallException {
    SetConsolePolicyRequest request =
        SetConsolePolicyRequest.newBuilder()
            .setVmUuid(vmId.toString())
            .setDisconnectAction(action)
            .setGraceMs(graceMs)
            .setReconnectWindowS(reconnectWindowSeconds)
            .setReturningUser(returningUser)
            .setReturnWaitMs(returnWaitMs)
            .build();
    try {
      stub(hostId).setConsolePolicy(request);
    } catch (StatusRuntimeException e) {
      throw failure("SetConsolePolicy", hostId, e);
    }
  }

  /**
   * Ends the named console sessions on the VM (takeover, revocation): their relays get {@code
   * close{status, reason}}, an unused ticket of theirs is expired, their tokens refused. With
   * {@code applyDisconnectAction} the agent applies the VM's disconnect action (lock the screen)
   * before answering when an interactive console was ended.
   *
   * @param status a Porthole status name, e.g. FORBIDDEN or CONFLICT
   * @param reason shown to the user whose console ends; no secrets
   */
  public EndedConsoles endConsoles(
      String hostId,
      UUID vmId,
      List<UUID> sessionIds,
      PortholeStatus status,
      String reason,
      boolean applyDisconnectAction)
      throws AgentCallException {
    EndConsolesRequest request =
        EndConsolesRequest.newBuilder()
            .setVmUuid(vmId.toString())
            .addAllSessionIds(sessionIds.stream().map(UUID::toString).toList())
            .setStatus(status.name())
            .setReason(reason)
            .setApplyDisconnectAction(applyDisconnectAction)
            .build();
    try {
      return EndedConsoles.of(
          stub(hostId, applyDisconnectAction ? ACTION_DEADLINE_SECONDS : DEADLINE_SECONDS)
              .endConsoles(request));
    } catch (StatusRuntimeException e) {
      throw failure("EndConsoles", hostId, e);
    }
  }

  private HostAgentGrpc.HostAgentBlockingStub stub(String hostId) {
    return stub(hostId, DEADLINE_SECONDS);
  }

  private HostAgentGrpc.HostAgentBlockingStub stub(String hostId, long deadlineSeconds) {
    return HostAgentGrpc.newBlockingStub(channels.channel(hostId))
        .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
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
