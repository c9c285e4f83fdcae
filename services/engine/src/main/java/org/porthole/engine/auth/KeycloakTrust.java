package org.porthole.engine.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificates the engine trusts for Keycloak over https: the JVM's default authorities, or
 * only the CA certificates of {@value #KEY} (PEM) when it is set, as with a private or development
 * CA. Quarkus OIDC (discovery, JWKS, token endpoint) reads the same file through the TLS
 * configuration {@code keycloak} (application.properties); the directory's admin calls use {@link
 * #sslContext}.
 */
public final class KeycloakTrust {

  /** The configuration key naming the PEM file. */
  public static final String KEY = "porthole.oidc.ca-file";

  private KeycloakTrust() {}

  /**
   * An SSL context trusting only the certificates in {@code caFile}; empty when unset (the JVM's
   * defaults apply).
   *
   * @throws IllegalStateException naming {@value #KEY} when the file cannot be read or holds no
   *     certificate
   */
  public static Optional<SSLContext> sslContext(Optional<String> caFile) {
    if (caFile.isEmpty() || caFile.get().isBlank()) {
      return Optional.empty();
    }
    Path path = Path.of(caFile.get().strip());
    try (InputStream in = Files.newInputStream(path)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalStateException(KEY + " = '" + path + "' holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : certs) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return Optional.of(context);
    } catch (IOException e) {
      throw new IllegalStateException(KEY + " = '" + path + "' cannot be read: " + e, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          KEY + " = '" + path + "' holds no usable CA certificate: " + e.getMessage(), e);
    }
  }
}
