package org.porthole.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.AgentInfo;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;

/**
 * Real loopback gRPC over the development PKI: mutual TLS succeeds with a client certificate, fails
 * without; a client dialling a host agent accepts only the certificate naming that host id.
 */
class MutualTlsIT {

  @TempDir Path tmp;
  private Server server;
  private String hostId;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    hostId = "localhost:" + port;
    TlsFiles serverFiles = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.hostAgent(hostId));
    server =
        Grpc.newServerBuilderForPort(port, serverFiles.serverCredentials())
            .addService(
                new HostAgentGrpc.HostAgentImplBase() {
                  @Override
                  public void getInfo(GetInfoRequest request, StreamObserver<AgentInfo> response) {
                    response.onNext(
                        AgentInfo.newBuilder()
                            .setHostId("localhost:test")
                            .addApiVersions("porthole.hostagent.v1")
                            .build());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  private AgentInfo call(String host, ChannelCredentials credentials) throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(host, server.getPort(), credentials).build();
    try {
      return HostAgentGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getInfo(GetInfoRequest.getDefaultInstance());
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void mutualTlsCallSucceedsWithClientCertificate() throws Exception {
    TlsFiles client = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.wsProxy());
    assertEquals(
        "localhost:test", call("localhost", client.channelCredentials(agent())).getHostId());
  }

  @Test
  void callFailsWithoutClientCertificate() throws Exception {
    TlsFiles client = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.wsProxy());
    ChannelCredentials trustOnly =
        TlsChannelCredentials.newBuilder().trustManager(client.caCert().toFile()).build();
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> call("localhost", trustOnly));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
  }

  @Test
  void callFailsWithCertificateFromAnotherCa() throws Exception {
    TlsFiles stranger = DevPki.ensure(tmp.resolve("other-pki"), ServiceIdentity.wsProxy());
    TlsFiles trusted = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.wsProxy());
    ChannelCredentials foreignCert =
        TlsChannelCredentials.newBuilder()
            .keyManager(stranger.certChain().toFile(), stranger.privateKey().toFile())
            .trustManager(trusted.caCert().toFile())
            .build();
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> call("localhost", foreignCert));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
  }

  @Test
  void clientRefusesServerFromAnotherCa() throws Exception {
    TlsFiles stranger = DevPki.ensure(tmp.resolve("other-pki"), ServiceIdentity.wsProxy());
    assertRefusedAtHandshake(stranger.channelCredentials(agent()), "localhost");
  }

  @Test
  void clientRefusesAgentWhoseCertificateNamesAnotherHostId() throws Exception {
    TlsFiles client = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.wsProxy());
    assertRefusedAtHandshake(
        client.channelCredentials(ServiceIdentity.hostAgent("localhost:1")), "localhost");
  }

  @Test
  void clientRefusesAgentDialledUnderAHostNameItsCertificateDoesNotCover() throws Exception {
    TlsFiles client = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.wsProxy());
    assertRefusedAtHandshake(client.channelCredentials(agent()), "127.0.0.1");
  }

  @Test
  void clientRefusesAServerPresentingAClientOnlyCertificate() throws Exception {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    TlsFiles engine = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.engine());
    server =
        Grpc.newServerBuilderForPort(0, engine.serverCredentials())
            .addService(new HostAgentGrpc.HostAgentImplBase() {})
            .build()
            .start();
    TlsFiles client = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.wsProxy());
    assertRefusedAtHandshake(client.channelCredentials(ServiceIdentity.engine()), "localhost");
  }

  @Test
  void serverRefusesAClientPresentingAServerOnlyCertificate() throws Exception {
    TlsFiles otherAgent =
        DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.hostAgent("localhost:1"));
    assertRefusedAtHandshake(otherAgent.channelCredentials(agent()), "localhost");
  }

  private ServiceIdentity agent() {
    return ServiceIdentity.hostAgent(hostId);
  }

  private void assertRefusedAtHandshake(ChannelCredentials credentials, String host) {
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> call(host, credentials));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
  }
}
