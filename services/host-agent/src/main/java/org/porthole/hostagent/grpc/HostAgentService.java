package org.porthole.hostagent.grpc;

import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.api.hostagent.v1.AgentInfo;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.ListDomainsResponse;
import org.porthole.api.hostagent.v1.SetGraphicsTicketRequest;
import org.porthole.api.hostagent.v1.SetGraphicsTicketResponse;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.AgentIdentity;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.hostagent.relay.ConsoleRelays;
import org.porthole.hostagent.ticket.GraphicsTickets;
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
  private final GraphicsTickets tickets;
  private final ConsoleRelays relays;

  public HostAgentService(AgentIdentity identity, Hypervisor hypervisor, GraphicsTickets tickets,
      ConsoleRelays relays) {
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
      Instant until =
          tickets.set(request.getVmUuid(), request.getPassword(), request.getValidSeconds());
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
