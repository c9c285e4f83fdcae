package org.porthole.pki;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;

/**
 * The three PEM files a service needs for gRPC mutual TLS: the CA that every peer must be issued
 * by, this service's certificate (naming its {@link ServiceIdentity}), and its PKCS#8 private key.
 * Either configured explicitly ({@code porthole.tls.ca}, {@code .cert}, {@code .key}) or generated
 * by {@link DevPki} under {@code porthole.pki.dir}.
 *
 * @param caCert PEM CA certificate(s) trusted for peers
 * @param certChain PEM certificate chain presented to peers
 * @param privateKey PEM PKCS#8 private key of {@code certChain}
 */
public record TlsFiles(Path caCert, Path certChain, Path privateKey) {

  public static final String KEY_CA = "porthole.tls.ca";
  public static final String KEY_CERT = "porthole.tls.cert";
  public static final String KEY_KEY = "porthole.tls.key";
  public static final String KEY_PKI_DIR = "porthole.pki.dir";
  public static final Path DEFAULT_PKI_DIR = Path.of(Settings.expandHome("~/.porthole/pki"));

  public TlsFiles {
    Objects.requireNonNull(caCert, "caCert");
    Objects.requireNonNull(certChain, "certChain");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * The configured files when all three {@code porthole.tls.*} keys are set, otherwise the
   * development PKI's files of {@code identity} in {@code porthole.pki.dir} (created on first use).
   * Configured files are taken as they are: the operator's CA must issue each service a certificate
   * naming its identity (see {@link ServiceIdentity}), or peers refuse it.
   *
   * @throws ConfigException when only some of the three keys are set, or a configured file is not
   *     readable
   */
  public static TlsFiles resolve(Settings s, ServiceIdentity identity) {
    Optional<String> ca = s.find(KEY_CA);
    Optional<String> cert = s.find(KEY_CERT);
    Optional<String> key = s.find(KEY_KEY);
    int set = (ca.isPresent() ? 1 : 0) + (cert.isPresent() ? 1 : 0) + (key.isPresent() ? 1 : 0);
    if (set == 0) {
      return DevPki.ensure(s.getPath(KEY_PKI_DIR, DEFAULT_PKI_DIR), identity);
    }
    if (set != 3) {
      String missing = ca.isEmpty() ? KEY_CA : cert.isEmpty() ? KEY_CERT : KEY_KEY;
      throw new ConfigException(
          missing,
          "configuration "
              + missing
              + " is not set: set all of "
              + KEY_CA
              + ", "
              + KEY_CERT
              + " and "
              + KEY_KEY
              + ", or none to use the development PKI");
    }
    return new TlsFiles(readable(s, KEY_CA), readable(s, KEY_CERT), readable(s, KEY_KEY));
  }

  /**
   * The private key, read with the JDK (PKCS#8, EC or RSA). A key handed to Netty as a file is
   * parsed by BouncyCastle whenever it is on the class path, which registers BouncyCastle's whole
   * JCA provider first: 750 classes, a tenth of the host agent's start.
   *
   * @throws GeneralSecurityException naming the file when it holds no such key
   */
  public PrivateKey readPrivateKey() throws IOException, GeneralSecurityException {
    return Pem.readPrivateKey(privateKey);
  }

  /** The certificate chain presented to peers, the leaf first. */
  public X509Certificate[] readCertChain() throws IOException, GeneralSecurityException {
    return Pem.readCertificates(certChain);
  }

  /**
   * Server side of mutual TLS: presents {@code certChain}, requires a client certificate issued by
   * {@code caCert}.
   */
  public ServerCredentials serverCredentials() {
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(certChain.toFile(), privateKey.toFile())
          .trustManager(caCert.toFile())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read TLS files " + certChain + ", " + privateKey + ", " + caCert, e);
    }
  }

  /**
   * Client side of mutual TLS: presents {@code certChain} and trusts a server only when the CA
   * issued it, it is valid for the host name dialled, and it names {@code server} (for a host
   * agent, the host id being dialled).
   */
  public ChannelCredentials channelCredentials(ServiceIdentity server) {
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(certChain.toFile(), privateKey.toFile())
          .trustManager(PeerIdentityTrustManager.of(caCert, server))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read TLS files " + certChain + ", " + privateKey + ", " + caCert, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot use the CA certificate(s) in " + caCert + ": " + e.getMessage(), e);
    }
  }

  private static Path readable(Settings s, String key) {
    Path path = s.getPath(key, null);
    if (!Files.isReadable(path)) {
      throw new ConfigException(
          key, "configuration " + key + " = '" + path + "' is not a readable file");
    }
    return path;
  }
}
