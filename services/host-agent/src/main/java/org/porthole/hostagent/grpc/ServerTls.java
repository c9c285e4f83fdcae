package org.porthole.hostagent.grpc;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import org.porthole.pki.TlsFiles;

/**
 * The agent listener's TLS: the agent's certificate, a client certificate from the Porthole CA
 * required, TLS 1.3 and 1.2 only, and no client-initiated renegotiation (BoringSSL, the provider
 * gRPC picks when netty-tcnative is present, never renegotiates as a server; for the JDK provider
 * the JDK's own switch is turned on before the first server handshake of this process).
 */
public final class ServerTls {
  /** The only protocol versions the agent speaks. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  static final String JDK_REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  private ServerTls() {}

  /** The server context over {@code files}. */
  public static SslContext of(TlsFiles files) {
    System.setProperty(JDK_REJECT_RENEGOTIATION, "true");
    try {
      // The key and chain read here, not by Netty: see TlsFiles#readPrivateKey.
      return GrpcSslContexts.configure(
              SslContextBuilder.forServer(files.readPrivateKey(), files.readCertChain()))
          .trustManager(files.caCert().toFile())
          .clientAuth(ClientAuth.REQUIRE)
          .protocols(PROTOCOLS)
          .build();
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot load the agent's TLS files "
              + files.certChain()
              + ", "
              + files.privateKey()
              + ", "
              + files.caCert()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
