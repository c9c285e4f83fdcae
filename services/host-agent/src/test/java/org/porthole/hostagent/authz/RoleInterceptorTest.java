package org.porthole.hostagent.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.AgentInfo;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.api.hostagent.v1.EndConsolesResponse;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;
import org.porthole.pki.ServiceIdentity;
import org.porthole.testsupport.clock.MutableClock;

/**
 * The interceptor in-process with the caller's identity injected through a header (in-process calls
 * have no TLS): what no real certificate can show, such as another host's agent holding a client
 * certificate, or a certificate from the Porthole CA that names no role.
 */
class RoleInterceptorTest {
  private static final Metadata.Key<String> AS =
      Metadata.Key.of("test-identity", Metadata.ASCII_STRING_MARSHALLER);

  private final AtomicInteger served = new AtomicInteger();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    CallerIdentity fromHeader =
        (call, headers) -> Optional.ofNullable(headers.get(AS)).flatMap(ServiceIdentity::fromUri);
    HostAgentGrpc.HostAgentImplBase service =
        new HostAgentGrpc.HostAgentImplBase() {
          @Override
          public void getInfo(GetInfoRequest request, StreamObserver<AgentInfo> responses) {
            served.incrementAndGet();
            responses.onNext(AgentInfo.getDefaultInstance());
            responses.onCompleted();
          }

          @Override
          public void endConsoles(
              EndConsolesRequest request, StreamObserver<EndConsolesResponse> responses) {
            served.incrementAndGet();
            responses.onNext(EndConsolesResponse.getDefaultInstance());
            responses.onCompleted();
          }
        };
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(
                    service, new RoleInterceptor(fromHeader, new RefusalLog(Clock.systemUTC()))))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void otherHostsAgentWithAClientCertificateCannotEndConsoles() {
    assertDenied("urn:porthole:host-agent:kvm2.example:9443", "the host-agent kvm2.example:9443");
  }

  @Test
  void certificateWithoutARoleCannotCallAnything() {
    assertDenied(null, "a caller without a Porthole identity");
    assertDenied("urn:porthole:admin", "a caller without a Porthole identity");
  }

  @Test
  void engineEndsConsoles() {
    stub("urn:porthole:engine").endConsoles(EndConsolesRequest.getDefaultInstance());
    stub("urn:porthole:engine").getInfo(GetInfoRequest.getDefaultInstance());
    assertThat(served).hasValue(2);
  }

  @Test
  void onlyTheWsProxyMayOpenSso() {
    String openSso = HostAgentGrpc.getOpenSsoMethod().getFullMethodName();
    assertThat(MethodRoles.allows(openSso, ServiceIdentity.Role.WS_PROXY)).isTrue();
    assertThat(MethodRoles.allows(openSso, ServiceIdentity.Role.ENGINE)).isFalse();
    assertThat(MethodRoles.rolesFor(openSso)).containsExactly(ServiceIdentity.Role.WS_PROXY);
  }

  @Test
  void everyMethodOfTheServiceHasARole() {
    HostAgentGrpc.getServiceDescriptor()
        .getMethods()
        .forEach(
            m ->
                assertThat(MethodRoles.rolesFor(m.getFullMethodName()))
                    .as(m.getFullMethodName())
                    .isNotEmpty());
    assertThat(MethodRoles.rolesFor("porthole.hostagent.v1.HostAgent/Unknown")).isEmpty();
  }

  @Test
  void contractsDocShowsTheSameMethodTable() throws Exception {
    Path doc = Path.of("").toAbsolutePath();
    while (doc != null && !Files.exists(doc.resolve("docs/contracts.md"))) {
      doc = doc.getParent();
    }
    assertThat(doc).as("docs/contracts.md above the working directory").isNotNull();
    Pattern row = Pattern.compile("\\s*\\| ((?:`\\w+`(?:, )?)+) \\| (engine|ws-proxy) \\|");
    Map<String, String> documented = new HashMap<>();
    for (String line : Files.readAllLines(doc.resolve("docs/contracts.md"))) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        for (String method : m.group(1).replace("`", "").split(", ")) {
          documented.put(method, m.group(2));
        }
      }
    }
    HostAgentGrpc.getServiceDescriptor()
        .getMethods()
        .forEach(
            m ->
                assertThat(Set.of(documented.getOrDefault(m.getBareMethodName(), "nobody")))
                    .as(m.getBareMethodName())
                    .isEqualTo(
                        MethodRoles.rolesFor(m.getFullMethodName()).stream()
                            .map(ServiceIdentity.Role::label)
                            .collect(Collectors.toSet())));
  }

  @Test
  void refusalWarningsAreCappedPerMinute() {
    MutableClock clock = new MutableClock();
    RefusalLog log = new RefusalLog(clock);
    AtomicInteger written = new AtomicInteger();
    for (int i = 0; i < 1000; i++) {
      log.refused(written::incrementAndGet);
    }
    assertThat(written).hasValue(RefusalLog.PER_WINDOW);
    clock.advance(Duration.ofMinutes(1));
    log.refused(written::incrementAndGet);
    assertThat(written).hasValue(RefusalLog.PER_WINDOW + 1);
  }

  private void assertDenied(String identity, String who) {
    assertThatThrownBy(() -> stub(identity).endConsoles(EndConsolesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(who + " may not call EndConsoles");
            });
    assertThatThrownBy(() -> stub(identity).getInfo(GetInfoRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(served).hasValue(0);
  }

  private HostAgentGrpc.HostAgentBlockingStub stub(String identity) {
    Metadata headers = new Metadata();
    if (identity != null) {
      headers.put(AS, identity);
    }
    return HostAgentGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }
}
