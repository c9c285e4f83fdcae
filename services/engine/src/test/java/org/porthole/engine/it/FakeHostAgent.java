package org.porthole.engine.it;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.api.hostagent.v1.ConsolePolicy;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.DomainState;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.Graphics;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListConsolesRequest;
import org.porthole.api.hostagent.v1.ListConsolesResponse;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.ListDomainsResponse;
import org.porthole.api.hostagent.v1.LiveConsole;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.api.hostagent.v1.PrepareConsoleResponse;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.stack.host.Ports;

/**
 * A stand-in host agent for engine ITs: a real gRPC server with mutual TLS from the same dev CA as
 * the engine and the host-agent certificate of its host id, on 127.0.0.1, serving a scripted domain
 * list and live-console list and recording PrepareConsole, policy and EndConsoles requests. It is
 * the agent's wire contract, not a mock of engine classes.
 */
public final class FakeHostAgent implements AutoCloseable {

  private final Server server;
  private final Service service = new Service();

  private FakeHostAgent(Path pkiDir, int port) throws IOException {
    TlsFiles tls = DevPki.ensure(pkiDir, ServiceIdentity.hostAgent("127.0.0.1:" + port));
    server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", port), tls.serverCredentials())
            .addService(service)
            .build()
            .start();
  }

  public static FakeHostAgent start(Path pkiDir) throws IOException {
    return new FakeHostAgent(pkiDir, Ports.free());
  }

  /** An agent at {@code port}: one that comes back at the address of an earlier one. */
  public static FakeHostAgent start(Path pkiDir, int port) throws IOException {
    return new FakeHostAgent(pkiDir, port);
  }

  /** The agent's id: its gRPC authority. */
  public String hostId() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Replaces the domains that ListDomains answers. */
  public void setDomains(List<Domain> domains) {
    service.domains = List.copyOf(domains);
  }

  /** Makes PrepareConsole fail with {@code status} (null: succeed). */
  public void failPreparesWith(Status status) {
    service.prepareFailure = status;
  }

  /** Every PrepareConsole request, in arrival order. */
  public List<PrepareConsoleRequest> prepared() {
    return List.copyOf(service.prepared);
  }

  public int listCalls() {
    return service.listCalls.get();
  }

  /** Makes each PrepareConsole take {@code millis}, so overlapping calls would show. */
  public void delayPrepares(long millis) {
    service.prepareDelayMillis = millis;
  }

  /** The most PrepareConsole calls that were ever in progress at once. */
  public int maxConcurrentPrepares() {
    return service.maxInFlight.get();
  }

  /**
   * Replaces the consoles that ListConsoles answers (the relays this agent pretends to hold). Until
   * this is called it answers every prepared console that no EndConsoles ended, as an agent whose
   * viewers all connected and stayed would.
   */
  public void setLiveConsoles(List<LiveConsole> consoles) {
    service.live = List.copyOf(consoles);
  }

  /** A live relay of {@code sessionId} on {@code vmId}. */
  public static LiveConsole liveConsole(UUID sessionId, UUID vmId) {
    return LiveConsole.newBuilder()
        .setSessionId(sessionId.toString())
        .setVmUuid(vmId.toString())
        .setMode("interactive")
        .setOpenedAtEpochMs(System.currentTimeMillis())
        .build();
  }

  /** How many ListConsoles calls arrived. */
  public int listConsolesCalls() {
    return service.listConsolesCalls.get();
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
   * An EndConsoles call the engine made, with when it arrived and how many consoles had been
   * prepared by then (so a test can tell it came before a given ticket).
   */
  public record EndCall(EndConsolesRequest request, Instant at, int preparedBefore) {}

  /** Every EndConsoles call, in arrival order. */
  public List<EndCall> endCalls() {
    return List.copyOf(service.endCalls);
  }

  /** Makes EndConsoles fail with {@code status} (null: succeed). */
  public void failEndConsolesWith(Status status) {
    service.endFailure = status;
  }

  /** A running VNC domain on loopback. */
  public static Domain domain(
      String uuid, String name, DomainState state, boolean passwordCapable) {
    return Domain.newBuilder()
        .setUuid(uuid)
        .setName(name)
        .setState(state)
        .setGraphics(
            Graphics.newBuilder()
                .setType("vnc")
                .setListen("127.0.0.1")
                .setPort(5900)
                .setPasswordCapable(passwordCapable))
        .build();
  }

  /**
   * A running, password-capable VNC domain listening on every address: reachable around Porthole.
   */
  public static Domain exposedDomain(String uuid, String name) {
    return Domain.newBuilder()
        .setUuid(uuid)
        .setName(name)
        .setState(DomainState.DOMAIN_STATE_RUNNING)
        .setGraphics(
            Graphics.newBuilder()
                .setType("vnc")
                .setListen("0.0.0.0")
                .setPort(5901)
                .setPasswordCapable(true)
                .setExposed(true))
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
    private volatile Status prepareFailure;
    private final List<PrepareConsoleRequest> prepared = new CopyOnWriteArrayList<>();
    private final AtomicInteger listCalls = new AtomicInteger();
    private final AtomicInteger listConsolesCalls = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile long prepareDelayMillis;
    private volatile List<LiveConsole> live;
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final long startedAt = System.currentTimeMillis();
    private volatile Status policyFailure;
    private final List<SetConsolePolicyRequest> policies = new CopyOnWriteArrayList<>();
    private final List<EndCall> endCalls = new CopyOnWriteArrayList<>();
    private volatile Status endFailure;

    @Override
    public void endConsoles(
        EndConsolesRequest request, StreamObserver<EndConsolesResponse> response) {
      Status failure = endFailure;
      if (failure != null) {
        response.onError(failure.asRuntimeException());
        return;
      }
      endCalls.add(new EndCall(request, Instant.now(), prepared.size()));
      ended.addAll(request.getSessionIdsList());
      EndConsolesResponse.Builder answer =
          EndConsolesResponse.newBuilder().setEndedRelays(request.getSessionIdsCount());
      if (request.getApplyDisconnectAction()) {
        answer
            .setDisconnectAction(DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN)
            .setDisconnectActionConfirmed(true);
      }
      response.onNext(answer.build());
      response.onCompleted();
    }

    @Override
    public void setConsolePolicy(
        SetConsolePolicyRequest request, StreamObserver<ConsolePolicy> response) {
      Status failure = policyFailure;
      if (failure != null) {
        response.onError(failure.asRuntimeException());
        return;
      }
      policies.add(request);
      response.onNext(
          ConsolePolicy.newBuilder()
              .setVmUuid(request.getVmUuid())
              .setDisconnectAction(request.getDisconnectAction())
              .setGraceMs(request.getGraceMs())
              .setReconnectWindowS(request.getReconnectWindowS())
              .build());
      response.onCompleted();
    }

    @Override
    public void listDomains(
        ListDomainsRequest request, StreamObserver<ListDomainsResponse> response) {
      listCalls.incrementAndGet();
      response.onNext(ListDomainsResponse.newBuilder().addAllDomains(domains).build());
      response.onCompleted();
    }

    @Override
    public void listConsoles(
        ListConsolesRequest request, StreamObserver<ListConsolesResponse> response) {
      listConsolesCalls.incrementAndGet();
      List<LiveConsole> scripted = live;
      List<LiveConsole> consoles =
          scripted != null
              ? scripted
              : prepared.stream()
                  .filter(p -> !ended.contains(p.getSessionId()))
                  .map(
                      p ->
                          LiveConsole.newBuilder()
                              .setSessionId(p.getSessionId())
                              .setVmUuid(p.getVmUuid())
                              .setMode(p.getMode())
                              .build())
                  .toList();
      response.onNext(
          ListConsolesResponse.newBuilder()
              .addAllConsoles(consoles)
              .setAgentStartedEpochMs(startedAt)
              .build());
      response.onCompleted();
    }

    @Override
    public void prepareConsole(
        PrepareConsoleRequest request, StreamObserver<PrepareConsoleResponse> response) {
      Status failure = prepareFailure;
      if (failure != null) {
        response.onError(failure.asRuntimeException());
        return;
      }
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(prepareDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
      prepared.add(request);
      response.onNext(
          PrepareConsoleResponse.newBuilder()
              .setValidUntilEpochMs(System.currentTimeMillis() + request.getValidSeconds() * 1000L)
              .build());
      response.onCompleted();
    }
  }
}
