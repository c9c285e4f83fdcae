package org.porthole.token;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificates an https JWKS fetch trusts: the JVM's default trust store, or only the CA
 * certificates of one PEM file ({@code porthole.jwks.ca-file}), such as the {@code ca.crt} of a
 * cluster's private CA that signs the engine's in-cluster certificate. With a file, its
 * certificates are the only trust anchors: the JVM's public CAs are not added, so no public CA can
 * vouch for a server that hands out keys. Host name verification stays on either way.
 */
public final class JwksTrust {

  /** The configuration key callers read the file from (the library reads no configuration). */
  public static final String KEY_CA_FILE = "porthole.jwks.ca-file";

  private static final JwksTrust DEFAULT =
      new JwksTrust(null, new TrustManager[0], "the JVM's default trust store", 0);

  private final SSLContext context;
  private final TrustManager[] trustManagers;
  private final String description;
  private final int anchors;

  private JwksTrust(
      SSLContext context, TrustManager[] trustManagers, String description, int anchors) {
    this.context = context;
    this.trustManagers = trustManagers;
    this.description = description;
    this.anchors = anchors;
  }

  /** The JVM's default trust store (publicly signed servers). */
  public static JwksTrust systemDefault() {
    return DEFAULT;
  }

  /**
   * Only the CA certificates in the PEM file {@code file}.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable, empty, larger than 1
   *     MiB, or holds anything but PEM certificates (a private key, say); the message says which,
   *     never quoting the file
   */
  public static JwksTrust caFile(Path file) {
    Objects.requireNonNull(file, "file");
    List<X509Certificate> certificates = CaCertificateFile.read(file);
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      String plural = certificates.size() == 1 ? "" : "s";
      return new JwksTrust(
          context,
          trust.getTrustManagers(),
          "the " + certificates.size() + " CA certificate" + plural + " in " + file,
          certificates.size());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  /** The TLS context to fetch with, or empty for the JVM's default. */
  Optional<SSLContext> sslContext() {
    return Optional.ofNullable(context);
  }

  /** The trust managers of {@link #sslContext()} (none for the default; tests read them). */
  TrustManager[] trustManagers() {
    return trustManagers.clone();
  }

  /** How many trust anchors the file gave; 0 for the default trust store. */
  public int anchors() {
    return anchors;
  }

  /** What is trusted, for messages: the file and its certificate count, or the default store. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
