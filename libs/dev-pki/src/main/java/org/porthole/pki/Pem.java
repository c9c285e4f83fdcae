package org.porthole.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** PEM files of the development PKI: X.509 certificates and PKCS#8 EC keys, written atomically. */
final class Pem {

  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private Pem() {}

  static String certificate(X509Certificate cert) throws GeneralSecurityException {
    return block("CERTIFICATE", cert.getEncoded());
  }

  static String privateKey(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  /** The first certificate of a PEM file. */
  static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
    return readCertificates(file)[0];
  }

  static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = text.indexOf(KEY_BEGIN);
    int end = text.indexOf(KEY_END);
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException("not a PKCS#8 PEM private key: " + file);
    }
    String body = text.substring(begin + KEY_BEGIN.length(), end);
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not a PKCS#8 PEM private key (bad base64): " + file);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    } catch (InvalidKeySpecException notEc) {
      try {
        return KeyFactory.getInstance("RSA").generatePrivate(spec);
      } catch (InvalidKeySpecException notRsa) {
        throw new GeneralSecurityException("not a PKCS#8 EC or RSA private key: " + file);
      }
    }
  }

  /** Every certificate in a PEM file, in its order (a chain: the leaf first). */
  static X509Certificate[] readCertificates(Path file)
      throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    X509Certificate[] certs =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(bytes))
            .stream()
            .map(X509Certificate.class::cast)
            .toArray(X509Certificate[]::new);
    if (certs.length == 0) {
      throw new GeneralSecurityException("no PEM certificate in " + file);
    }
    return certs;
  }

  /**
   * Writes {@code content} to {@code file} through a temporary file in the same directory, created
   * with {@code permissions} (e.g. {@code rw-------}) before any byte is written, then moved into
   * place atomically so a reader never sees half a file.
   */
  static void writeAtomically(Path file, String content, String permissions) throws IOException {
    Path dir = file.getParent();
    Path temp =
        POSIX
            ? Files.createTempFile(
                dir,
                ".tmp-",
                ".pem",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)))
            : Files.createTempFile(dir, ".tmp-", ".pem");
    try {
      Files.writeString(temp, content, StandardCharsets.US_ASCII);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static boolean posix() {
    return POSIX;
  }

  private static String block(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
