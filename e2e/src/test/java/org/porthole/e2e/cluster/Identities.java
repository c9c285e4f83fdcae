package org.porthole.e2e.cluster;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.porthole.stack.kube.Kube;

/**
 * The release's service identities: the certificate Secrets byte for byte, and the certificate a
 * pod actually presents (what it mounted), read by a TLS handshake that trusts only the CA.
 */
final class Identities {
  private final Kube kube;
  private final Path caCert;

  Identities(Kube kube, Path caCert) {
    this.kube = kube;
    this.caCert = caCert;
  }

  /**
   * Every identity Secret of the namespace ({@code *-tls}): name → its data as kubectl shows it.
   */
  Map<String, String> secrets() throws IOException {
    String out =
        kube.kubectl(
            "-n",
            DevRelease.NAMESPACE,
            "get",
            "secrets",
            "-o",
            "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.data}{\"\\n\"}{end}");
    Map<String, String> tls = new TreeMap<>();
    for (String line : out.strip().split("\n")) {
      String[] f = line.split("\t", 2);
      if (f.length == 2 && f[0].endsWith("-tls")) {
        tls.put(f[0], f[1]);
      }
    }
    return tls;
  }

  /** The first certificate of a Secret's {@code tls.crt} (DER). */
  byte[] secretCertificate(String secret) throws IOException {
    String b64 =
        kube.kubectl(
            "-n",
            DevRelease.NAMESPACE,
            "get",
            "secret",
            secret,
            "-o",
            "jsonpath={.data.tls\\.crt}");
    try (InputStream in = new ByteArrayInputStream(Base64.getDecoder().decode(b64.strip()))) {
      return CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IOException("Secret " + secret + ": tls.crt unreadable: " + e.getMessage(), e);
    }
  }

  /** The certificate {@code host:port} presents (DER), its chain checked against the CA. */
  byte[] served(String host, int port) throws IOException {
    try (SSLSocket socket =
        (SSLSocket) trustingTheCa().getSocketFactory().createSocket(host, port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      Certificate[] chain = socket.getSession().getPeerCertificates();
      return chain[0].getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IOException(host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private SSLContext trustingTheCa() throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caCert)) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
