package org.porthole.testsupport.hostagent;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.ConsolePolicy;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.Domain;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.ListConsolesRequest;
import org.porthole.api.hostagent.v1.ListConsolesResponse;
import org.porthole.api.hostagent.v1.ListDomainsRequest;
import org.porthole.api.hostagent.v1.ListDomainsResponse;
import org.porthole.api.hostagent.v1.LiveConsole;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.api.hostagent.v1.PrepareConsoleResponse;
import org.porthole.api.hostagent.v1.SetConsolePolicyRequest;

/**
 * A stand-in host agent speaking the agent's gRPC contract (not a mock of any service's classes).
 * Its console stream answers the open frame with a VNC banner and echoes every data frame back,
 * unless a test takes over through {@link #toProxy()}; with {@code manualFlow} it asks for the
 * proxy's messages only when the test says so. Its control plane serves a scripted domain list and
 * live-console list and records PrepareConsole, policy and EndConsoles requests (each can fail).
 *
 * <p>Serve it in-process, with {@link AgentServers}, or {@link #start(Path)} it over mutual TLS as
 * {@code 127.0.0.1:<port>}, a certificate from the dev CA in {@code pki}; {@link #close()} stops a
 * server it started.
 */
public final class FakeHostAgent extends HostAgentGrpc.HostAgentImplBase implements AutoCloseable {

  /** What the console stream sends first. */
  public static final String BANNER = "RFB 003.008\n";

  private final boolean manualFlow;
  private final boolean echo;
  private final AtomicInteger consoleCalls = new AtomicInteger();
  private final AtomicInteger activeConsoles = new AtomicInteger();
  private final List<ConsoleFrame> received = new CopyOnWriteArrayList<>();
  private volatile ServerCallStreamObserver<ConsoleFrame> toProxy;
  private volatile boolean cancelled;
  private volatile boolean halfClosed;

  private volatile List<Domain> domains = List.of();
  private volatile Status prepareFailure;
  private final AtomicInteger ssoCalls = new AtomicInteger();
  private volatile String guestSpn = "host/porthole-demo.porthole.test@PORTHOLE.TEST";
  private final List<PrepareConsoleRequest> prepared = new CopyOnWriteArrayList<>();
  private final AtomicInteger listCalls = new AtomicInteger();
  private final AtomicInteger listConsolesCalls = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile long prepareDelayMillis;
  private volatile Runnable beforePrepareAnswers = () -> {};
  private volatile List<LiveConsole> live;
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  private final long startedAt = System.currentTimeMillis();
  private volatile Status policyFailure;
  private final List<SetConsolePolicyRequest> policies = new CopyOnWriteArrayList<>();
  private final List<EndCall> endCalls = new CopyOnWriteArrayList<>();
  private volatile Status endFailure;
  private volatile Server server;

  /** A console stream with {@code manualFlow} control, echoing data frames when {@code echo}. */
  public FakeHostAgent(boolean manualFlow, boolean echo) {
    this.manualFlow = manualFlow;
    this.echo = echo;
  }

  /** Banner, then echo; automatic flow control. */
  public FakeHostAgent() {
    this(false, true);
  }

  /** An agent serving over mutual TLS on a free port, as {@code 127.0.0.1:<port>}. */
  public static FakeHostAgent start(Path pki) throws IOException {
    FakeHostAgent agent = new FakeHostAgent();
    agent.server = AgentServers.startOnFreePort(pki, agent, "127.0.0.1");
    return agent;
  }

  /** An agent at {@code port}: one that comes back at the address of an earlier one. */
  public static FakeHostAgent start(Path pki, int port) throws IOException {
    FakeHostAgent agent = new FakeHostAgent();
    agent.server = AgentServers.startAt(pki, agent, "127.0.0.1", port);
    return agent;
  }

  /** The id of an agent {@link #start started} here: its gRPC authority. */
  public String hostId() {
    Server s = server;
    if (s == null) {
      throw new IllegalStateException("this agent was not started with FakeHostAgent.start");
    }
    return "127.0.0.1:" + s.getPort();
  }

  // ---- the console stream ----

  @Override
  public StreamObserver<ConsoleFrame> openConsole(StreamObserver<ConsoleFrame> responseObserver) {
    return stream(responseObserver, true);
  }

  /** An SSO stream: recorded like a console, answers nothing on open (the guest speaks first). */
  @Override
  public StreamObserver<ConsoleFrame> openSso(StreamObserver<ConsoleFrame> responseObserver) {
    ssoCalls.incrementAndGet();
    return stream(responseObserver, false);
  }

  /** Number of OpenSso calls received (they count in {@link #consoleCalls} too). */
  public int ssoCalls() {
    return ssoCalls.get();
  }

  private StreamObserver<ConsoleFrame> stream(
      StreamObserver<ConsoleFrame> responseObserver, boolean banner) {
    consoleCalls.incrementAndGet();
    activeConsoles.incrementAndGet();
    ServerCallStreamObserver<ConsoleFrame> out =
        (ServerCallStreamObserver<ConsoleFrame>) responseObserver;
    out.setOnCancelHandler(
        () -> {
          cancelled = true;
          activeConsoles.decrementAndGet();
        });
    if (manualFlow) {
      out.disableAutoRequest();
      out.request(1);
    }
    toProxy = out;
    return new StreamObserver<>() {
      @Override
      public void onNext(ConsoleFrame frame) {
        received.add(frame);
        if (frame.hasOpen() && banner) {
          out.onNext(AgentMessages.data(BANNER.getBytes(StandardCharsets.US_ASCII)));
        } else if (echo && frame.hasData()) {
          out.onNext(frame);
        }
      }

      @Override
      public void onError(Throwable t) {
        cancelled = cancelled || Status.fromThrowable(t).getCode() == Status.Code.CANCELLED;
      }

      @Override
      public void onCompleted() {
        halfClosed = true;
      }
    };
  }

  /** Number of OpenConsole calls received. */
  public int consoleCalls() {
    return consoleCalls.get();
  }

  /** OpenConsole calls opened and not yet cancelled by the proxy. */
  public int activeConsoles() {
    return activeConsoles.get();
  }

  /** Every console frame the proxy sent, in order. */
  public List<ConsoleFrame> received() {
    return received;
  }

  /** The data bytes the proxy sent, concatenated. */
  public byte[] receivedData() {
    ByteString all = ByteString.EMPTY;
    for (ConsoleFrame frame : received) {
      if (frame.hasData()) {
        all = all.concat(frame.getData());
      }
    }
    return all.toByteArray();
  }

  /** The stream towards the proxy of the latest console call. */
  public ServerCallStreamObserver<ConsoleFrame> toProxy() {
    return toProxy;
  }

  /** True once the proxy cancelled the latest console call. */
  public boolean cancelled() {
    return cancelled;
  }

  /** True once the proxy half-closed the latest console call. */
  public boolean halfClosed() {
    return halfClosed;
  }

  // ---- the control plane, as the engine calls it ----

  /** Replaces the domains that ListDomains answers. */
  public void setDomains(List<Domain> domains) {
    this.domains = List.copyOf(domains);
  }

  /** Makes PrepareConsole fail with {@code status} (null: succeed). */
  public void failPreparesWith(Status status) {
    prepareFailure = status;
  }

  /** The SPN a PrepareConsole with sso answers ("" as a guest that reported none). */
  public void setGuestSpn(String spn) {
    guestSpn = spn;
  }

  /** Every PrepareConsole request, in arrival order. */
  public List<PrepareConsoleRequest> prepared() {
    return List.copyOf(prepared);
  }

  /** How many ListDomains calls arrived. */
  public int listCalls() {
    return listCalls.get();
  }

  /** Makes each PrepareConsole take {@code millis}, so overlapping calls would show. */
  public void delayPrepares(long millis) {
    prepareDelayMillis = millis;
  }

  /** Runs {@code hook} in each PrepareConsole once it is listed as prepared, before answering. */
  public void beforePrepareAnswers(Runnable hook) {
    beforePrepareAnswers = hook;
  }

  /** The most PrepareConsole calls that were ever in progress at once. */
  public int maxConcurrentPrepares() {
    return maxInFlight.get();
  }

  /**
   * Replaces the consoles that ListConsoles answers (the relays this agent pretends to hold). Until
   * this is called it answers every prepared console that no EndConsoles ended, as an agent whose
   * viewers all connected and stayed would.
   */
  public void setLiveConsoles(List<LiveConsole> consoles) {
    live = List.copyOf(consoles);
  }

  /** How many ListConsoles calls arrived. */
  public int listConsolesCalls() {
    return listConsolesCalls.get();
  }

  /** Makes SetConsolePolicy fail with {@code status} (null: succeed). */
  public void failPoliciesWith(Status status) {
    policyFailure = status;
  }

  /** Every console policy the engine gave this agent, in order. */
  public List<SetConsolePolicyRequest> policies() {
    return List.copyOf(policies);
  }

  /**
   * An EndConsoles call the engine made, with when it arrived and how many consoles had been
   * prepared by then (so a test can tell it came before a given ticket).
   */
  public record EndCall(EndConsolesRequest request, Instant at, int preparedBefore) {}

  /** Every EndConsoles call, in arrival order. */
  public List<EndCall> endCalls() {
    return List.copyOf(endCalls);
  }

  /** Makes EndConsoles fail with {@code status} (null: succeed). */
  public void failEndConsolesWith(Status status) {
    endFailure = status;
  }

  @Override
  public void endConsoles(
      EndConsolesRequest request, StreamObserver<EndConsolesResponse> response) {
    if (AgentMessages.failed(endFailure, response)) {
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
    AgentMessages.answer(response, answer.build());
  }

  @Override
  public void setConsolePolicy(
      SetConsolePolicyRequest request, StreamObserver<ConsolePolicy> response) {
    if (AgentMessages.failed(policyFailure, response)) {
      return;
    }
    policies.add(request);
    AgentMessages.answer(
        response,
        ConsolePolicy.newBuilder()
            .setVmUuid(request.getVmUuid())
            .setDisconnectAction(request.getDisconnectAction())
            .setGraceMs(request.getGraceMs())
            .setReconnectWindowS(request.getReconnectWindowS())
            .build());
  }

  @Override
  public void listDomains(
      ListDomainsRequest request, StreamObserver<ListDomainsResponse> response) {
    listCalls.incrementAndGet();
    AgentMessages.answer(response, ListDomainsResponse.newBuilder().addAllDomains(domains).build());
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
    AgentMessages.answer(
        response,
        ListConsolesResponse.newBuilder()
            .addAllConsoles(consoles)
            .setAgentStartedEpochMs(startedAt)
            .build());
  }

  @Override
  public void prepareConsole(
      PrepareConsoleRequest request, StreamObserver<PrepareConsoleResponse> response) {
    if (AgentMessages.failed(prepareFailure, response)) {
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
    beforePrepareAnswers.run();
    AgentMessages.answer(
        response,
        PrepareConsoleResponse.newBuilder()
            .setValidUntilEpochMs(System.currentTimeMillis() + request.getValidSeconds() * 1000L)
            .setGuestSpn(request.getSso() ? guestSpn : "")
            .build());
  }

  /** Stops the server {@link #start} started, if any. */
  @Override
  public void close() {
    Server s = server;
    if (s == null) {
      return;
    }
    try {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
