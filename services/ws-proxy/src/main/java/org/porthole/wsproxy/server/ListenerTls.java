package org.porthole.wsproxy.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import org.porthole.config.ConfigException;

/**
 * The wss listener's TLS context from {@code porthole.proxy.tls-cert} / {@code .tls-key}: TLS 1.3
 * and 1.2 only, and no client-initiated renegotiation (BoringSSL, netty's provider when
 * netty-tcnative is present, never renegotiates as a server; for the JDK provider the JDK's switch
 * is turned on before the first server handshake of this process).
 */
final class ListenerTls {

  /** The only protocol versions the listener speaks. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private static final String JDK_REJECT_RENEGOTIATION =
      "jdk.tls.rejectClientInitiatedRenegotiation";

  private ListenerTls() {}

  /** The server context, or {@code null} when the listener is plain ws. */
  static SslContext of(ProxyConfig config) {
    if (!config.tls()) {
      return null;
    }
    System.setProperty(JDK_REJECT_RENEGOTIATION, "true");
    try {
      return SslContextBuilder.forServer(
              config.tlsCert().get().toFile(), config.tlsKey().get().toFile())
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException(
          ProxyConfig.KEY_TLS_CERT,
          "cannot load the listener certificate "
              + config.tlsCert().get()
              + " with its key (PEM, PKCS#8 key expected): "
              + e.getMessage());
    }
  }
}
