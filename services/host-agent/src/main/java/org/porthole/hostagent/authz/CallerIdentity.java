package org.porthole.hostagent.authz;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.porthole.pki.ServiceIdentity;

/**
 * Who is calling: the identity the caller's certificate names. The server requires a client
 * certificate issued by the Porthole CA, so by the time a call starts the chain is verified and
 * only the role URI in it remains to be read.
 */
@FunctionalInterface
public interface CallerIdentity {

  /** The caller's identity, or empty when it has none (no TLS, no certificate, no role URI). */
  Optional<ServiceIdentity> of(ServerCall<?, ?> call, Metadata headers);

  /** The identity in the peer certificate of the call's TLS session. */
  CallerIdentity FROM_TLS =
      (call, headers) -> {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
          return Optional.empty();
        }
        try {
          Certificate[] chain = session.getPeerCertificates();
          return chain.length > 0 && chain[0] instanceof X509Certificate leaf
              ? ServiceIdentity.of(leaf)
              : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
          return Optional.empty();
        }
      };
}
