package org.porthole.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * The development PKI: on first start of any service, a CA ({@code ca.pem}, {@code ca.key}) and a
 * certificate per service identity ({@code <stem>.pem}, {@code <stem>.key}, see {@link
 * ServiceIdentity}) in one directory, so a one-machine stack gets mutual TLS with no set-up, each
 * service holding a certificate of its own role only. The directory is 0700 and keys 0600. A file
 * lock on {@code .lock} (plus an in-process lock) makes services starting at the same moment share
 * one CA. Certificates are renewed when missing, unreadable, not issued by the current CA, not
 * naming the identity asked for, or within 7 days of expiry. Not for production: the CA key sits
 * next to the certificates.
 */
public final class DevPki {

  /** Certificates expiring within this window are replaced. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(7);

  static final String CA_CERT = "ca.pem";
  static final String CA_KEY = "ca.key";
  private static final String LOCK_FILE = ".lock";
  private static final String KEY_PERMISSIONS = "rw-------";
  private static final String CERT_PERMISSIONS = "rw-r--r--";
  private static final System.Logger LOG = System.getLogger(DevPki.class.getName());

  /** FileChannel locks are per process; this orders threads of one process before the file lock. */
  private static final Object PROCESS_LOCK = new Object();

  private DevPki() {}

  /**
   * The TLS files of {@code identity} in {@code dir}, creating the directory, the CA and the
   * service certificate as needed. Files are named after the identity: {@code engine.pem}, {@code
   * ws-proxy.pem}, {@code host-agent-<host-id with dashes>.pem}.
   *
   * @throws UncheckedIOException when the directory or files cannot be read or written
   */
  public static TlsFiles ensure(Path dir, ServiceIdentity identity) {
    return ensureLeaf(
        dir,
        identity.fileStem(),
        identity.toString(),
        cert -> ServiceIdentity.of(cert).filter(identity::equals).isPresent(),
        (key, caCert, caKey, now) -> CertificateIssuer.leaf(identity, key, caCert, caKey, now));
  }

  /**
   * The TLS files of a web server in {@code dir}: a certificate issued by the development CA for
   * {@code server}'s names and addresses (extended key usage serverAuth, no Porthole role), for
   * servers that browsers and HTTP clients reach by name, such as the one-machine stack's Keycloak.
   * Re-issued when the names asked for differ from the certificate's.
   *
   * @throws UncheckedIOException when the directory or files cannot be read or written
   */
  public static TlsFiles ensureWebServer(Path dir, WebServer server) {
    return ensureLeaf(
        dir,
        server.fileStem(),
        server.toString(),
        server::isNamedBy,
        (key, caCert, caKey, now) -> CertificateIssuer.webServer(server, key, caCert, caKey, now));
  }

  private static TlsFiles ensureLeaf(
      Path dir, String stem, String what, Predicate<X509Certificate> names, Issuer issuer) {
    Path absolute = dir.toAbsolutePath().normalize();
    synchronized (PROCESS_LOCK) {
      try {
        createPrivateDirectory(absolute);
        try (FileChannel channel =
            FileChannel.open(
                absolute.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          FileLock lock = channel.lock();
          try {
            Instant now = Instant.now();
            KeyPair ca = loadOrCreateCa(absolute, now);
            ensureLeafFiles(absolute, stem, what, names, issuer, ca, now);
          } finally {
            lock.release();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("development PKI in " + absolute + ": " + e.getMessage(), e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(
            "development PKI in " + absolute + ": " + e.getMessage(), e);
      }
    }
    return new TlsFiles(
        absolute.resolve(CA_CERT),
        absolute.resolve(stem + ".pem"),
        absolute.resolve(stem + ".key"));
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (Pem.posix()) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** The CA key pair (public half from ca.pem), generating a new CA when none usable exists. */
  private static KeyPair loadOrCreateCa(Path dir, Instant now)
      throws IOException, GeneralSecurityException {
    Path certFile = dir.resolve(CA_CERT);
    Path keyFile = dir.resolve(CA_KEY);
    if (Files.exists(certFile) || Files.exists(keyFile)) {
      try {
        X509Certificate cert = Pem.readCertificate(certFile);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        if (usable(cert, key, cert.getPublicKey(), now)) {
          return new KeyPair(cert.getPublicKey(), key);
        }
        LOG.log(
            Level.WARNING,
            "development CA in {0} is expiring or inconsistent; creating a new one",
            dir);
      } catch (NoSuchFileException | GeneralSecurityException e) {
        LOG.log(
            Level.WARNING,
            "development CA in {0} is unreadable ({1}); creating a new one",
            dir,
            e.getClass().getSimpleName());
      }
    }
    KeyPair ca = CertificateIssuer.newKeyPair();
    X509Certificate cert = CertificateIssuer.selfSignedCa(ca, now);
    Pem.writeAtomically(keyFile, Pem.privateKey(ca.getPrivate()), KEY_PERMISSIONS);
    Pem.writeAtomically(certFile, Pem.certificate(cert), CERT_PERMISSIONS);
    LOG.log(Level.INFO, "created development CA in {0}", dir);
    return new KeyPair(cert.getPublicKey(), ca.getPrivate());
  }

  private static void ensureLeafFiles(
      Path dir,
      String stem,
      String what,
      Predicate<X509Certificate> names,
      Issuer issuer,
      KeyPair ca,
      Instant now)
      throws IOException, GeneralSecurityException {
    Path certFile = dir.resolve(stem + ".pem");
    Path keyFile = dir.resolve(stem + ".key");
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      try {
        X509Certificate cert = Pem.readCertificate(certFile);
        if (usable(cert, Pem.readPrivateKey(keyFile), ca.getPublic(), now) && names.test(cert)) {
          return;
        }
      } catch (GeneralSecurityException e) {
        LOG.log(
            Level.WARNING, "certificate of {0} in {1} is unreadable; issuing a new one", what, dir);
      }
    }
    X509Certificate caCert = Pem.readCertificate(dir.resolve(CA_CERT));
    KeyPair leaf = CertificateIssuer.newKeyPair();
    X509Certificate cert = issuer.issue(leaf.getPublic(), caCert, ca.getPrivate(), now);
    Pem.writeAtomically(keyFile, Pem.privateKey(leaf.getPrivate()), KEY_PERMISSIONS);
    Pem.writeAtomically(certFile, Pem.certificate(cert), CERT_PERMISSIONS);
    LOG.log(Level.INFO, "issued development certificate for {0} in {1}", what, dir);
  }

  /** Issues one kind of leaf certificate. */
  @FunctionalInterface
  private interface Issuer {
    X509Certificate issue(PublicKey key, X509Certificate caCert, PrivateKey caKey, Instant now)
        throws GeneralSecurityException;
  }

  /**
   * Signed by {@code issuerKey}, far from expiry, and {@code key} is the private half of the
   * certificate.
   */
  private static boolean usable(
      X509Certificate cert, PrivateKey key, PublicKey issuerKey, Instant now) {
    if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
      return false;
    }
    try {
      cert.verify(issuerKey);
      return matches(key, cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean matches(PrivateKey key, PublicKey publicKey)
      throws GeneralSecurityException {
    byte[] challenge = new byte[32];
    new SecureRandom().nextBytes(challenge);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(challenge);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(publicKey);
    verifier.update(challenge);
    return verifier.verify(signature);
  }
}
