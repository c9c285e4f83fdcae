package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;

/**
 * {@link JwksTrust#caFile}: what a CA file for the JWKS fetch may hold, and that every refusal says
 * why without quoting the file (no network).
 */
class JwksTrustTest {

  @TempDir Path dir;

  private TlsFiles pki(String name) {
    return DevPki.ensure(dir.resolve(name), ServiceIdentity.hostAgent("localhost:1"));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.ISO_8859_1);
  }

  private IllegalArgumentException refused(Path file) {
    return assertThrows(IllegalArgumentException.class, () -> JwksTrust.caFile(file));
  }

  @Test
  void trustsTheCaCertificateOfAFile() {
    Path ca = pki("one").caCert();
    JwksTrust trust = JwksTrust.caFile(ca);
    assertEquals(1, trust.anchors());
    assertTrue(trust.sslContext().isPresent());
    assertEquals("the 1 CA certificate in " + ca, trust.description());
  }

  @Test
  void theFilesCertificatesAreTheOnlyTrustAnchors() throws Exception {
    Path ca = pki("one").caCert();
    X509Certificate expected =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(ca)));
    TrustManager[] managers = JwksTrust.caFile(ca).trustManagers();
    assertEquals(1, managers.length);
    X509TrustManager manager = (X509TrustManager) managers[0];
    assertEquals(List.of(expected), List.of(manager.getAcceptedIssuers()), "no JVM default CA");
  }

  @Test
  void trustsEveryCertificateOfABundleWithCommentsAroundThem() throws IOException {
    String bundle =
        "# the cluster's CA\n"
            + Files.readString(pki("one").caCert())
            + "subject=CN = another CA\n"
            + Files.readString(pki("two").caCert());
    assertEquals(2, JwksTrust.caFile(write("bundle.pem", bundle)).anchors());
  }

  @Test
  void defaultTrustIsTheJvmsStore() {
    assertTrue(JwksTrust.systemDefault().sslContext().isEmpty());
    assertEquals(0, JwksTrust.systemDefault().anchors());
  }

  @Test
  void refusesMissingFile() {
    assertEquals("the file does not exist", refused(dir.resolve("nope.crt")).getMessage());
  }

  @Test
  void refusesDirectory() {
    assertTrue(refused(dir).getMessage().contains("directory"));
  }

  @Test
  void refusesEmptyFile() throws IOException {
    assertTrue(refused(write("empty.crt", "")).getMessage().contains("empty"));
    assertTrue(refused(write("blank.crt", " \n\n")).getMessage().contains("empty"));
  }

  @Test
  void refusesGarbage() throws IOException {
    String message =
        refused(write("garbage.crt", "this is not a certificate\u0000\u00ff")).getMessage();
    assertTrue(message.contains("no PEM certificate"), message);
    assertFalse(message.contains("this is not"), message);
  }

  @Test
  void refusesDerInsteadOfPem() throws Exception {
    byte[] der =
        java.util.Base64.getMimeDecoder()
            .decode(
                Files.readString(pki("one").caCert()).replaceAll("-----[A-Z ]+-----", "").trim());
    Path file = Files.write(dir.resolve("ca.der"), der);
    assertTrue(refused(file).getMessage().contains("openssl x509 -inform der"));
  }

  @Test
  void refusesPrivateKeyWithoutQuotingIt() throws IOException {
    Path key = pki("one").privateKey();
    String message = refused(key).getMessage();
    assertTrue(message.contains("private key"), message);
    assertNoLineOf(key, message);
  }

  @Test
  void refusesCertificateFileThatAlsoHoldsAPrivateKey() throws IOException {
    TlsFiles files = pki("one");
    Path both =
        write("both.pem", Files.readString(files.caCert()) + Files.readString(files.privateKey()));
    String message = refused(both).getMessage();
    assertTrue(message.contains("private key"), message);
    assertNoLineOf(files.privateKey(), message);
  }

  @Test
  void refusesHugeFileBeforeReadingIt() throws IOException {
    String ca = Files.readString(pki("one").caCert());
    StringBuilder huge = new StringBuilder();
    while (huge.length() <= CaCertificateFile.MAX_BYTES) {
      huge.append(ca);
    }
    String message = refused(write("huge.pem", huge.toString())).getMessage();
    assertTrue(message.contains("more than the 1024 KiB"), message);
  }

  @Test
  void refusesOtherPemTypes() throws IOException {
    String crl = "-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n";
    String message = refused(write("crl.pem", crl)).getMessage();
    assertTrue(message.contains("'X509 CRL'"), message);
  }

  @Test
  void refusesCorruptCertificateBlock() throws IOException {
    String ca = Files.readString(pki("one").caCert());
    String corrupt = ca + ca.replaceFirst("\n[A-Za-z0-9+/]{20}", "\nAAAAAAAAAAAAAAAAAAAA");
    String message = refused(write("corrupt.pem", corrupt)).getMessage();
    assertTrue(message.contains("PEM block 2 is not a valid X.509 certificate"), message);
  }

  @Test
  void refusesUnterminatedBlock() throws IOException {
    String ca = Files.readString(pki("one").caCert());
    String cut = ca + ca.substring(0, ca.indexOf("-----END"));
    String message = refused(write("cut.pem", cut)).getMessage();
    assertTrue(message.contains("without its matching"), message);
  }

  /** No base64 line of {@code pem} (longer than a PEM header) appears in {@code message}. */
  private static void assertNoLineOf(Path pem, String message) throws IOException {
    Arrays.stream(Files.readString(pem).split("\n"))
        .filter(line -> !line.startsWith("-----") && line.length() > 8)
        .forEach(line -> assertFalse(message.contains(line), "message quotes the key"));
  }
}
