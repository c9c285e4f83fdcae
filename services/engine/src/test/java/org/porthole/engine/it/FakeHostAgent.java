package org.porthole.engine.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import org.porthole.api.hostagent.v1.ConsolePolicy;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.Graphics;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.ListDomainsResponse;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.api.hostagent.v1.SetGraphicsTicketRequest;
import org.porthole.api.hostagent.v1.SetGraphicsTicketResponse;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.stack.Ports;

/**
 * A stand-in host agent for engine ITs: a real gRPC server with mutual TLS from the same dev CA
 * as the engine and the host-agent certificate of its host id, on 127.0.0.1, serving a scripted domain list and recording ticket, policy and
 * EndConsoles requests.
 * It is the agent's wire contract, not a mock of engine classes.
 */
public final class FakeHostAgent implements AutoCloseable {

    private final Server server;
    private final Service service = new Service();

    private FakeHostAgent(Path pkiDir) throws IOException {
        int port = Ports.free();
        TlsFiles tls = DevPki.ensure(pkiDir, ServiceIdentity.hostAgent("127.0.0.1:" + port));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port), tls.serverCredentials())
                .addService(service)
                .build()
                .start();
    }

    public static FakeHostAgent start(Path pkiDir) throws IOException {
        return new FakeHostAgent(pkiDir);
    }

    /** The agent's id: its gRPC authority. */
    public String hostId() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Replaces the domains that ListDomains answers. */
    public void setDomains(List<Domain> domains) {
        service.domains = List.copyOf(domains);
    }

    /** Makes SetGraphicsTicket fail with {@code status} (null: succeed). */
    public void failTicketsWith(Status status) {
        service.ticketFailure = status;
    }

    public List<SetGraphicsTicketRequest> tickets() {
        return List.copyOf(service.tickets);
    }

    public int listCalls() {
        return service.listCalls.get();
    }

    /** Makes each SetGraphicsTicket take {@code millis}, so overlapping calls would show. */
    public void delayTickets(long millis) {
        service.ticketDelayMillis = millis;
    }

    /** The most SetGraphicsTicket calls that were ever in progress at once. */
    public int maxConcurrentTickets() {
        return service.maxInFlight.get();
    }

    /** Makes SetConsolePolicy fail with {@code status} (null: succeed). */
    public void failPoliciesWith(Status status) {
        service.policyFailure = status;
    }

    /** Every console policy the engine gave this agent, in order. */
    public List<SetConsolePolicyRequest> policies() {
        return List.copyOf(service.policies);
    }

    /**
     * An EndConsoles call the engine made, with when it arrived and how many tickets had been set
     * by then (so a test can tell it came before a given ticket).
     */
    public record EndCall(EndConsolesRequest request, Instant at, int ticketsBefore) {
    }

    /** Every EndConsoles call, in arrival order. */
    public List<EndCall> endCalls() {
        return List.copyOf(service.endCalls);
    }

    /** Makes EndConsoles fail with {@code status} (null: succeed). */
    public void failEndConsolesWith(Status status) {
        service.endFailure = status;
    }

    /** A running VNC domain on loopback. */
    public static Domain domain(String uuid, String name, DomainState state, boolean passwordCapable) {
        return Domain.newBuilder().setUuid(uuid).setName(name).setState(state)
                .setGraphics(Graphics.newBuilder().setType("vnc").setListen("127.0.0.1").setPort(5900)
                        .setPasswordCapable(passwordCapable))
                .build();
    }

    @Override
    public void close() {
        try {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Service extends HostAgentGrpc.HostAgentImplBase {
        private volatile List<Domain> domains = List.of();
        private volatile Status ticketFailure;
        private final List<SetGraphicsTicketRequest> tickets = new CopyOnWriteArrayList<>();
        private final AtomicInteger listCalls = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger maxInFlight = new AtomicInteger();
        private volatile long ticketDelayMillis;
        private volatile Status policyFailure;
        private final List<SetConsolePolicyRequest> policies = new CopyOnWriteArrayList<>();
        private final List<EndCall> endCalls = new CopyOnWriteArrayList<>();
        private volatile Status endFailure;

        @Override
        public void endConsoles(EndConsolesRequest request, StreamObserver<EndConsolesResponse> response) {
            Status failure = endFailure;
            if (failure != null) {
                response.onError(failure.asRuntimeException());
                return;
            }
            endCalls.add(new EndCall(request, Instant.now(), tickets.size()));
            response.onNext(EndConsolesResponse.newBuilder().setEndedRelays(request.getSessionIdsCount()).build());
            response.onCompleted();
        }

        @Override
        public void setConsolePolicy(SetConsolePolicyRequest request, StreamObserver<ConsolePolicy> response) {
            Status failure = policyFailure;
            if (failure != null) {
                response.onError(failure.asRuntimeException());
                return;
            }
            policies.add(request);
            response.onNext(ConsolePolicy.newBuilder().setVmUuid(request.getVmUuid())
                    .setDisconnectAction(request.getDisconnectAction()).setGraceMs(request.getGraceMs())
                    .setReconnectWindowS(request.getReconnectWindowS()).build());
            response.onCompleted();
        }

        @Override
        public void listDomains(ListDomainsRequest request, StreamObserver<ListDomainsResponse> response) {
            listCalls.incrementAndGet();
            response.onNext(ListDomainsResponse.newBuilder().addAllDomains(domains).build());
            response.onCompleted();
        }

        @Override
        public void setGraphicsTicket(SetGraphicsTicketRequest request,
                StreamObserver<SetGraphicsTicketResponse> response) {
            Status failure = ticketFailure;
            if (failure != null) {
                response.onError(failure.asRuntimeException());
                return;
            }
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(ticketDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            tickets.add(request);
            response.onNext(SetGraphicsTicketResponse.newBuilder()
                    .setValidUntilEpochMs(System.currentTimeMillis() + request.getValidSeconds() * 1000L).build());
            response.onCompleted();
        }
    }
}
