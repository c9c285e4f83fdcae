package org.porthole.pki;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS server only when the JDK's PKIX checks pass against the Porthole CA (chain,
 * validity, extended key usage serverAuth, and the host name of the dialled authority, which gRPC
 * asks for) and its certificate names exactly the expected {@link ServiceIdentity}: a host agent's
 * certificate for another host, or any other role's certificate, is refused during the handshake.
 *
 * <p>Thread-safe: immutable after construction.
 */
final class PeerIdentityTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager pkix;
  private final ServiceIdentity expected;

  private PeerIdentityTrustManager(X509ExtendedTrustManager pkix, ServiceIdentity expected) {
    this.pkix = pkix;
    this.expected = Objects.requireNonNull(expected, "expected");
  }

  /**
   * Trusts servers issued by the CA certificate(s) in {@code caFile} that name {@code expected}.
   */
  static PeerIdentityTrustManager of(Path caFile, ServiceIdentity expected)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no CA certificate in " + caFile);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return new PeerIdentityTrustManager(extended, expected);
      }
    }
    throw new GeneralSecurityException("the JDK offers no X509ExtendedTrustManager for PKIX");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
    requireExpected(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
    requireExpected(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
    requireExpected(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  private void requireExpected(X509Certificate[] chain) throws CertificateException {
    ServiceIdentity actual = chain.length == 0 ? null : ServiceIdentity.of(chain[0]).orElse(null);
    if (!expected.sameAs(actual)) {
      throw new CertificateException(
          "the server's certificate names "
              + (actual == null ? "no Porthole identity" : actual)
              + ", not "
              + expected);
    }
  }
}
