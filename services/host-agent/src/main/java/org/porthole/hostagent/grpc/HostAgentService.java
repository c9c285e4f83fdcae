package org.porthole.hostagent.grpc;

import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.hostagent.v1.AgentInfo;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsolePolicy;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.GetGuestStateRequest;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.GuestCommandRequest;
import org.porthole.api.hostagent.v1.GuestCommandResponse;
import org.porthole.api.hostagent.v1.GuestState;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.ListDomainsResponse;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.api.hostagent.v1.SetGraphicsTicketRequest;
import org.porthole.api.hostagent.v1.SetGraphicsTicketResponse;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.guest.ConsolePolicies;
import org.porthole.hostagent.guest.GuestCommand;
import org.porthole.hostagent.guest.GuestReply;
import org.porthole.hostagent.guest.GuestSnapshot;
import org.porthole.hostagent.guest.Guests;
import org.porthole.hostagent.libvirt.DomainUuid;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.ticket.SessionTickets;
import org.porthole.status.PortholeStatus;

/**
 * The porthole.hostagent.v1.HostAgent gRPC service: thin adapters from wire messages to the
 * inventory, the tickets and the console relays. Every failure becomes a gRPC status from
 * the status table; nothing a caller sends can end the server.
 */
public final class HostAgentService extends HostAgentGrpc.HostAgentImplBase {
  private static final Logger LOG = Logger.getLogger(HostAgentService.class.getName());

  private final AgentIdentity identity;
  private final Hypervisor hypervisor;
  private final SessionTickets tickets;
  private final ConsoleRelays relays;
  private final Guests guests;
  private final ConsolePolicies policies;

  /** A service without guest channels (benchmark mode, tests of the console paths). */
  public HostAgentService(AgentIdentity identity, Hypervisor hypervisor, SessionTickets tickets,
      ConsoleRelays relays) {
    this(identity, hypervisor, tickets, relays, Guests.NONE, new ConsolePolicies());
  }

  public HostAgentService(AgentIdentity identity, Hypervisor hypervisor, SessionTickets tickets,
      ConsoleRelays relays, Guests guests, ConsolePolicies policies) {
    this.guests = guests;
    this.policies = policies;
    this.identity = identity;
    this.hypervisor = hypervisor;
    this.tickets = tickets;
    this.relays = relays;
  }

  @Override
  public void getInfo(GetInfoRequest request, StreamObserver<AgentInfo> responses) {
    respond(responses, () -> AgentInfo.newBuilder()
        .setHostId(identity.hostId())
        .setHostname(identity.hostname())
        .setAgentVersion(identity.agentVersion())
        .addAllApiVersions(AgentIdentity.API_VERSIONS)
        .setHypervisorUri(hypervisor.uri())
        .setLibvirtVersion(hypervisor.libvirtVersion())
        .build());
  }

  @Override
  public void listDomains(
      ListDomainsRequest request, StreamObserver<ListDomainsResponse> responses) {
    respond(responses, () -> {
      ListDomainsResponse.Builder b = ListDomainsResponse.newBuilder();
      for (DomainView d : hypervisor.listDomains()) {
        b.addDomains(DomainMapping.toProto(d));
      }
      return b.build();
    });
  }

  @Override
  public void setGraphicsTicket(SetGraphicsTicketRequest request,
      StreamObserver<SetGraphicsTicketResponse> responses) {
    respond(responses, () -> {
      Instant until = tickets.set(request.getVmUuid(), request.getPassword(),
          request.getValidSeconds(), request.getSessionId());
      LOG.log(Level.INFO, "graphics ticket set on domain {0} for session {1}, valid until {2}",
          new Object[] {request.getVmUuid(), printable(request.getSessionId()), until});
      return SetGraphicsTicketResponse.newBuilder()
          .setValidUntilEpochMs(until.toEpochMilli())
          .build();
    });
  }

  @Override
  public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> responses) {
    return relays.open(responses);
  }

  /**
   * Ends consoles the engine no longer allows. The ticket goes first, so the disconnect of the
   * ending relay finds nothing to re-arm for a reconnect; then the relays end, and their tokens
   * stay refused (see {@link ConsoleRelays#endSessions}).
   */
  @Override
  public void endConsoles(EndConsolesRequest request,
      StreamObserver<EndConsolesResponse> responses) {
    respond(responses, () -> {
      EndConsolesArgs args = EndConsolesArgs.from(request);
      boolean expired = tickets.endSessions(args.vmUuid(), args.sessionIds());
      int ended = relays.endSessions(args.vmUuid(), args.sessionIds(), args.status(),
          args.reason());
      LOG.log(Level.INFO, "ended {0} consoles of sessions {1} on domain {2} ({3}){4}",
          new Object[] {ended, args.sessionIds(), args.vmUuid(), args.status(),
              expired ? "; their unused ticket expired" : ""});
      return EndConsolesResponse.newBuilder().setEndedRelays(ended).setTicketExpired(expired)
          .build();
    });
  }

  @Override
  public void getGuestState(GetGuestStateRequest request, StreamObserver<GuestState> responses) {
    respond(responses, () -> GuestMapping.toProto(
        guests.state(DomainUuid.require(request.getVmUuid()))));
  }

  /**
   * Answers when the guest replies (or the command fails); no call thread waits meanwhile.
   * The guest's error text is not passed on (guest input): only its code.
   */
  @Override
  public void guestCommand(GuestCommandRequest request,
      StreamObserver<GuestCommandResponse> responses) {
    String vm;
    GuestCommand command;
    try {
      vm = DomainUuid.require(request.getVmUuid());
      GuestCommand.Kind kind = GuestMapping.fromProto(request.getCommand());
      if (kind == null) {
        throw new AgentException(PortholeStatus.BAD_REQUEST,
            "command must be lock-screen, log-off, shutdown, reboot or refresh");
      }
      command = GuestCommand.of(kind, request.getDelaySeconds(), request.getMessage());
    } catch (AgentException e) {
      responses.onError(GrpcErrors.of(e));
      return;
    }
    LOG.log(Level.INFO, "guest command {0} for domain {1}", new Object[] {command.kind(), vm});
    guests.command(vm, command).whenComplete((reply, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        responses.onError(cause instanceof AgentException a ? GrpcErrors.of(a)
            : GrpcErrors.of(PortholeStatus.INTERNAL, "internal error"));
        return;
      }
      responses.onNext(commandResponse(reply));
      responses.onCompleted();
    });
  }

  @Override
  public void setConsolePolicy(SetConsolePolicyRequest request,
      StreamObserver<ConsolePolicy> responses) {
    respond(responses, () -> {
      String vm = DomainUuid.require(request.getVmUuid());
      org.porthole.hostagent.guest.ConsolePolicy p = org.porthole.hostagent.guest.ConsolePolicy.of(
          GuestMapping.fromProto(request.getDisconnectAction()), request.getGraceMs(),
          request.getReconnectWindowS());
      policies.set(vm, p);
      LOG.log(Level.INFO, "console policy of domain {0}: {1} after {2} ms, reconnect window {3} s",
          new Object[] {vm, p.action(), p.graceMs(), p.reconnectWindowSeconds()});
      return GuestMapping.toProto(vm, p);
    });
  }

  private static GuestCommandResponse commandResponse(GuestReply reply) {
    GuestCommandResponse.Builder b = GuestCommandResponse.newBuilder()
        .setSession(GuestMapping.toProto(reply.session() == GuestSnapshot.Session.UNKNOWN
            ? reply.state().session() : reply.session()))
        .setState(GuestMapping.toProto(reply.state()));
    if (reply.result().get("delay") instanceof BigDecimal d) {
      // guest input: clamped to the protocol's range
      b.setDelaySeconds(d.max(BigDecimal.ZERO)
          .min(BigDecimal.valueOf(GuestCommand.MAX_DELAY_SECONDS)).intValue());
    }
    return b.build();
  }

  private static <T> void respond(StreamObserver<T> responses, Call<T> call) {
    T value;
    try {
      value = call.run();
    } catch (AgentException e) {
      responses.onError(GrpcErrors.of(e));
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "unexpected failure in a host agent call", e);
      responses.onError(GrpcErrors.of(PortholeStatus.INTERNAL, "internal error"));
      return;
    }
    responses.onNext(value);
    responses.onCompleted();
  }

  private static String printable(String s) {
    String t = s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > 64 ? t.substring(0, 64) : t;
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws AgentException;
  }
}
