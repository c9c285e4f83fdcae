package org.porthole.hostagent.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;
import org.porthole.hostagent.LogCapture;
import org.porthole.hostagent.grpc.AgentServer;
import org.porthole.hostagent.grpc.ServerTls;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.testsupport.clock.MutableClock;

/**
 * Acceptance of the agent's service identities over real mutual TLS on loopback: the agent's own
 * listener ({@link AgentServer}, {@link ServerTls}, {@link RoleInterceptor} reading the peer
 * certificate) in front of a service that records every call reaching it. Every method is called
 * with each role's certificate; a call is allowed exactly when {@link MethodRoles} lists the
 * caller's role, otherwise it is refused (PERMISSION_DENIED, or at the TLS handshake for
 * certificates that may not act as clients) and never reaches the service, so no ticket, policy,
 * guest or relay can change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallerRolesIT {
  /** What the recording service answers, so an allowed call is told apart from a refused one. */
  private static final String REACHED = "reached the service";

  private static final long DEADLINE_SECONDS = 20;
  private static final Set<String> ENGINE_METHODS =
      Set.of(
          "GetInfo",
          "ListDomains",
          "PrepareConsole",
          "ListConsoles",
          "EndConsoles",
          "GetGuestState",
          "GuestCommand",
          "SetConsolePolicy");
  private static final Set<String> PROXY_METHODS = Set.of("OpenConsole", "OpenSso");

  @TempDir static Path dir;
  private final List<String> reached = new CopyOnWriteArrayList<>();

  /** The refusal log's clock: moved on before a test reads the log, so its quota is fresh. */
  private final MutableClock clock = new MutableClock();

  private EventLoopGroup loops;
  private ExecutorService unary;
  private Server server;
  private String hostId;
  private Path pki;

  @BeforeAll
  void startAgentListener() throws Exception {
    pki = dir.resolve("pki");
    int port;
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      port = probe.getLocalPort();
    }
    hostId = "localhost:" + port;
    loops = new NioEventLoopGroup(2);
    unary = Executors.newFixedThreadPool(2);
    TlsFiles agent = DevPki.ensure(pki, ServiceIdentity.hostAgent(hostId));
    server =
        AgentServer.start(
            "127.0.0.1",
            port,
            ServerTls.of(agent),
            new RoleInterceptor(CallerIdentity.FROM_TLS, new RefusalLog(clock)),
            this::recordingService,
            unary,
            loops,
            loops);
  }

  @AfterAll
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    unary.shutdownNow();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void forget() {
    reached.clear();
  }

  @Test
  void engineReachesItsMethodsAndCannotOpenConsoles() throws Exception {
    assertCallsOnlyReach(
        caller(ServiceIdentity.engine()), ENGINE_METHODS, Status.Code.PERMISSION_DENIED);
  }

  @Test
  void wsProxyOpensConsolesAndCannotCallAnythingElse() throws Exception {
    assertCallsOnlyReach(
        caller(ServiceIdentity.wsProxy()), PROXY_METHODS, Status.Code.PERMISSION_DENIED);
  }

  @Test
  void wsProxyCannotEndConsoles() throws Exception {
    Status status = call(caller(ServiceIdentity.wsProxy()), HostAgentGrpc.getEndConsolesMethod());
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).isEqualTo("the ws-proxy may not call EndConsoles");
    assertThat(reached).isEmpty();
  }

  @Test
  void wsProxyCannotShutDownTheGuestSetTicketsOrPolicies() throws Exception {
    ChannelCredentials proxy = caller(ServiceIdentity.wsProxy());
    for (MethodDescriptor<?, ?> method :
        List.of(
            HostAgentGrpc.getGuestCommandMethod(),
            HostAgentGrpc.getPrepareConsoleMethod(),
            HostAgentGrpc.getListConsolesMethod(),
            HostAgentGrpc.getSetConsolePolicyMethod())) {
      assertThat(call(proxy, method).getCode())
          .as(method.getBareMethodName())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    assertThat(reached).isEmpty();
  }

  @Test
  void otherHostsAgentCannotOpenConsolesOrCallAnything() throws Exception {
    // A host agent's certificate is for serving only: refused as a client at the handshake.
    TlsFiles other = DevPki.ensure(pki, ServiceIdentity.hostAgent("kvm2.example:9443"));
    assertCallsOnlyReach(
        other.channelCredentials(ServiceIdentity.hostAgent(hostId)),
        Set.of(),
        Status.Code.UNAVAILABLE);
  }

  @Test
  void certificateFromAnotherCaCannotCallAnything() throws Exception {
    TlsFiles stranger = DevPki.ensure(dir.resolve("other-ca"), ServiceIdentity.engine());
    TlsFiles trusted = DevPki.ensure(pki, ServiceIdentity.engine());
    ChannelCredentials foreign =
        TlsChannelCredentials.newBuilder()
            .keyManager(stranger.certChain().toFile(), stranger.privateKey().toFile())
            .trustManager(trusted.caCert().toFile())
            .build();
    assertCallsOnlyReach(foreign, Set.of(), Status.Code.UNAVAILABLE);
  }

  @Test
  void callerWithoutCertificateOrTlsCannotCallAnything() throws Exception {
    TlsFiles trusted = DevPki.ensure(pki, ServiceIdentity.engine());
    assertCallsOnlyReach(
        TlsChannelCredentials.newBuilder().trustManager(trusted.caCert().toFile()).build(),
        Set.of(),
        Status.Code.UNAVAILABLE);
    assertCallsOnlyReach(InsecureChannelCredentials.create(), Set.of(), Status.Code.UNAVAILABLE);
  }

  @Test
  void refusalsAreLoggedWithoutRequestContent() throws Exception {
    clock.advance(Duration.ofMinutes(2));
    String marker = "marker-" + UUID.randomUUID();
    PrepareConsoleRequest carrying =
        PrepareConsoleRequest.newBuilder().setVmUuid(marker).setSessionId(marker).build();
    try (LogCapture log = new LogCapture()) {
      Status refused =
          call(
              caller(ServiceIdentity.wsProxy()), HostAgentGrpc.getPrepareConsoleMethod(), carrying);
      assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(log.all())
          .contains("WARNING")
          .contains("refused PrepareConsole from the ws-proxy")
          .as("nothing of the request is logged")
          .doesNotContain(marker);
    }
  }

  /**
   * Calls every method of the service with {@code credentials}: the ones in {@code allowed} must
   * reach the service, every other one must end with {@code refusal} without reaching it.
   */
  private void assertCallsOnlyReach(
      ChannelCredentials credentials, Set<String> allowed, Status.Code refusal) throws Exception {
    List<String> refused = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (MethodDescriptor<?, ?> method : HostAgentGrpc.getServiceDescriptor().getMethods()) {
      Status status = call(credentials, method);
      String name = method.getBareMethodName();
      if (allowed.contains(name)) {
        assertThat(status.getDescription()).as(name + ": " + status).isEqualTo(REACHED);
        expected.add(method.getFullMethodName());
      } else {
        assertThat(status.getCode()).as(name + ": " + status).isEqualTo(refusal);
        refused.add(method.getFullMethodName());
      }
    }
    assertThat(reached)
        .as("calls that reached the service")
        .doesNotContainAnyElementsOf(refused)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private ChannelCredentials caller(ServiceIdentity identity) {
    return DevPki.ensure(pki, identity).channelCredentials(ServiceIdentity.hostAgent(hostId));
  }

  /** One call with the method's empty request message; its final status. */
  private <Q, R> Status call(ChannelCredentials credentials, MethodDescriptor<Q, R> method)
      throws Exception {
    return call(credentials, method, prototype(method));
  }

  private <Q, R> Status call(
      ChannelCredentials credentials, MethodDescriptor<Q, R> method, Q request) throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "localhost",
                Integer.parseInt(hostId.substring(hostId.indexOf(':') + 1)),
                credentials)
            .build();
    try {
      CompletableFuture<Status> done = new CompletableFuture<>();
      ClientCall<Q, R> call =
          channel.newCall(
              method, CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS));
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              done.complete(status);
            }
          },
          new Metadata());
      call.request(1);
      call.sendMessage(request);
      call.halfClose();
      return done.get(DEADLINE_SECONDS + 10, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @SuppressWarnings("unchecked")
  private static <Q> Q prototype(MethodDescriptor<Q, ?> method) {
    return ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller())
        .getMessagePrototype();
  }

  /** Every method of the HostAgent service, each recording that a call reached it. */
  private ServerServiceDefinition recordingService() {
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(HostAgentGrpc.getServiceDescriptor());
    for (MethodDescriptor<?, ?> method : HostAgentGrpc.getServiceDescriptor().getMethods()) {
      addRecording(builder, method);
    }
    return builder.build();
  }

  private <Q, R> void addRecording(
      ServerServiceDefinition.Builder builder, MethodDescriptor<Q, R> method) {
    builder.addMethod(
        method,
        (ServerCall<Q, R> call, Metadata headers) -> {
          reached.add(call.getMethodDescriptor().getFullMethodName());
          call.close(Status.ABORTED.withDescription(REACHED), new Metadata());
          return new ServerCall.Listener<>() {};
        });
  }
}
