package org.porthole.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebServerCertificateTest {

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final WebServer KEYCLOAK =
      new WebServer("keycloak", List.of("localhost", "127.0.0.1", "10.213.0.1"));

  @TempDir Path tmp;

  @Test
  void issuesServerCertificateForEveryNameAndAddressFromTheSharedCa() throws Exception {
    TlsFiles service = DevPki.ensure(tmp, ServiceIdentity.engine());
    TlsFiles web = DevPki.ensureWebServer(tmp, KEYCLOAK);
    assertEquals(service.caCert(), web.caCert(), "one CA for services and web servers");
    assertEquals(tmp.resolve("web-keycloak.pem").toAbsolutePath(), web.certChain());
    X509Certificate cert = Pem.readCertificate(web.certChain());
    cert.verify(Pem.readCertificate(web.caCert()).getPublicKey());
    assertEquals(List.of(SERVER_AUTH), cert.getExtendedKeyUsage());
    Set<List<?>> names = new HashSet<>(cert.getSubjectAlternativeNames());
    assertEquals(
        Set.of(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "10.213.0.1")), names);
    assertTrue(ServiceIdentity.of(cert).isEmpty(), "a web server holds no Porthole role");
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(web.privateKey())));
  }

  @Test
  void keepsTheCertificateWhileTheNamesStayAndReissuesWhenTheyChange() throws Exception {
    byte[] first = Files.readAllBytes(DevPki.ensureWebServer(tmp, KEYCLOAK).certChain());
    byte[] again = Files.readAllBytes(DevPki.ensureWebServer(tmp, KEYCLOAK).certChain());
    assertArrayEquals(first, again);
    WebServer moved = new WebServer("keycloak", List.of("localhost", "127.0.0.1", "10.99.0.1"));
    TlsFiles files = DevPki.ensureWebServer(tmp, moved);
    assertNotEquals(new String(first), Files.readString(files.certChain()));
    X509Certificate cert = Pem.readCertificate(files.certChain());
    assertTrue(moved.isNamedBy(cert));
    assertFalse(KEYCLOAK.isNamedBy(cert), "the old address is gone from the new certificate");
  }

  @Test
  void aServiceCertificateDoesNotPassForAWebServer() throws Exception {
    X509Certificate agent =
        Pem.readCertificate(
            DevPki.ensure(tmp, ServiceIdentity.hostAgent("localhost:9443")).certChain());
    assertFalse(new WebServer("agent", List.of("localhost")).isNamedBy(agent));
  }

  @Test
  void refusesNamesThatAreNeitherHostsNorLabels() {
    assertThrows(IllegalArgumentException.class, () -> new WebServer("Key Cloak", List.of("x")));
    assertThrows(IllegalArgumentException.class, () -> new WebServer("keycloak", List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new WebServer("keycloak", List.of("bad_host!")));
    assertThrows(
        IllegalArgumentException.class, () -> new WebServer("../keycloak", List.of("localhost")));
  }
}
