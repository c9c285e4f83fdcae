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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.api.hostagent.v1.AgentInfo;
import org.porthole.api.hostagent.v1.GetInfoRequest;
import org.porthole.api.hostagent.v1.HostAgentGrpc;

/** Real loopback gRPC over the development PKI: mutual TLS succeeds with a client certificate, fails without. */
class MutualTlsIT {

    @TempDir
    Path tmp;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        TlsFiles serverFiles = DevPki.ensure(tmp.resolve("pki"), "host-agent");
        server = Grpc.newServerBuilderForPort(0, serverFiles.serverCredentials())
                .addService(new HostAgentGrpc.HostAgentImplBase() {
                    @Override
                    public void getInfo(GetInfoRequest request, StreamObserver<AgentInfo> response) {
                        response.onNext(AgentInfo.newBuilder().setHostId("localhost:test")
                                .addApiVersions("porthole.hostagent.v1").build());
                        response.onCompleted();
                    }
                })
                .build().start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private AgentInfo call(String host, ChannelCredentials credentials) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(host, server.getPort(), credentials).build();
        try {
            return HostAgentGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getInfo(GetInfoRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void mutualTlsCallSucceedsWithClientCertificate() throws Exception {
        TlsFiles client = DevPki.ensure(tmp.resolve("pki"), "ws-proxy");
        assertEquals("localhost:test", call("localhost", client.channelCredentials()).getHostId());
        assertEquals("localhost:test", call("127.0.0.1", client.channelCredentials()).getHostId());
    }

    @Test
    void callFailsWithoutClientCertificate() throws Exception {
        TlsFiles client = DevPki.ensure(tmp.resolve("pki"), "ws-proxy");
        ChannelCredentials trustOnly = TlsChannelCredentials.newBuilder()
                .trustManager(client.caCert().toFile()).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call("localhost", trustOnly));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    }

    @Test
    void callFailsWithCertificateFromAnotherCa() throws Exception {
        TlsFiles stranger = DevPki.ensure(tmp.resolve("other-pki"), "ws-proxy");
        TlsFiles trusted = DevPki.ensure(tmp.resolve("pki"), "ws-proxy");
        ChannelCredentials foreignCert = TlsChannelCredentials.newBuilder()
                .keyManager(stranger.certChain().toFile(), stranger.privateKey().toFile())
                .trustManager(trusted.caCert().toFile()).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call("localhost", foreignCert));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    }

    @Test
    void clientRefusesServerFromAnotherCa() throws Exception {
        TlsFiles stranger = DevPki.ensure(tmp.resolve("other-pki"), "ws-proxy");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> call("localhost", stranger.channelCredentials()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
    }
}
