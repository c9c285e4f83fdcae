package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.porthole.token.TestClaims.NOW;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.pki.DevPki;
import org.porthole.pki.ServiceIdentity;
import org.porthole.pki.TlsFiles;
import org.porthole.testsupport.clock.MutableClock;
import org.porthole.testsupport.token.JwksServer;

/**
 * {@link HttpJwksKeys} over real https on loopback, the server's certificate issued by a
 * development-PKI CA (as the chart's CA issues the engine's): trusted with that CA's file, refused
 * with another CA's file, with no file (the JVM's trust store), and under a host name the
 * certificate does not hold. A refused server yields no keys, and the reason says what to fix.
 */
class HttpsJwksKeysIT {

  @TempDir Path dir;

  private final Ed25519Key key = Ed25519Key.generate("k1");
  private final MutableClock clock = new MutableClock(NOW);
  private TlsFiles engineCa;
  private TlsFiles otherCa;
  private JwksServer server;

  /**
   * The development PKI issues serverAuth certificates to host agents only; one of host id {@code
   * localhost:1} names {@code localhost} and stands in for the engine's https certificate.
   */
  @BeforeEach
  void start() throws IOException {
    engineCa = DevPki.ensure(dir.resolve("engine-ca"), ServiceIdentity.hostAgent("localhost:1"));
    otherCa = DevPki.ensure(dir.resolve("other-ca"), ServiceIdentity.hostAgent("localhost:1"));
    server = JwksServer.startHttps(engineCa, Map.of("k1", key.publicKey()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void fetchesKeysFromServerIssuedByTheCaFile() {
    HttpJwksKeys keys = new HttpJwksKeys(server.url(), clock, JwksTrust.caFile(engineCa.caCert()));
    assertTrue(keys.find("k1").isPresent());
    assertTrue(keys.lastFailure().isEmpty());
    assertEquals(1, server.requests());
    assertTrue(server.url().toString().startsWith("https://localhost:"));
  }

  @Test
  void fetchesKeysWhenTheIssuerIsOneCaOfABundle() throws IOException {
    Path bundle =
        Files.writeString(
            dir.resolve("bundle.crt"),
            Files.readString(otherCa.caCert()) + Files.readString(engineCa.caCert()));
    HttpJwksKeys keys = new HttpJwksKeys(server.url(), clock, JwksTrust.caFile(bundle));
    assertTrue(keys.find("k1").isPresent());
  }

  @Test
  void refusesServerIssuedByAnotherCa() {
    HttpJwksKeys keys = new HttpJwksKeys(server.url(), clock, JwksTrust.caFile(otherCa.caCert()));
    assertFalse(keys.refresh());
    assertTrue(keys.find("k1").isEmpty(), "no keys from an untrusted server");
    assertEquals(
        "TLS: the server's certificate does not chain to the 1 CA certificate in "
            + otherCa.caCert(),
        keys.lastFailure().orElseThrow());
    assertEquals(0, server.requests(), "the request never left the TLS handshake");
  }

  @Test
  void refusesPrivatelyIssuedServerWithoutCaFile() {
    HttpJwksKeys keys = new HttpJwksKeys(server.url(), clock);
    assertFalse(keys.refresh());
    assertTrue(keys.find("k1").isEmpty());
    String failure = keys.lastFailure().orElseThrow();
    assertTrue(failure.contains("does not chain to the JVM's default trust store"), failure);
    assertTrue(failure.contains("set porthole.jwks.ca-file"), failure);
    assertEquals(0, server.requests());
  }

  @Test
  void refusesServerWhoseCertificateDoesNotNameTheHostDialled() {
    URI byAddress = URI.create("https://127.0.0.1:" + server.port() + JwksServer.PATH);
    HttpJwksKeys keys = new HttpJwksKeys(byAddress, clock, JwksTrust.caFile(engineCa.caCert()));
    assertFalse(keys.refresh());
    assertTrue(keys.find("k1").isEmpty());
    String failure = keys.lastFailure().orElseThrow();
    assertTrue(failure.contains("does not name the host in the URL"), failure);
    assertEquals(0, server.requests());
  }
}
