package org.porthole.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;

class TlsFilesTest {

  @TempDir Path tmp;

  @Test
  void usesDevPkiInConfiguredDirectoryWhenNoTlsFilesAreSet() {
    Path dir = tmp.resolve("pki");
    TlsFiles files =
        TlsFiles.resolve(
            Settings.of(Map.of("porthole.pki.dir", dir.toString())), ServiceIdentity.wsProxy());
    assertEquals(dir.resolve("ws-proxy.pem"), files.certChain());
    assertTrue(Files.exists(files.caCert()));
  }

  @Test
  void usesConfiguredFilesWhenAllThreeAreSet() throws Exception {
    TlsFiles dev = DevPki.ensure(tmp.resolve("pki"), ServiceIdentity.engine());
    Settings s =
        Settings.of(
            Map.of(
                "porthole.tls.ca",
                dev.caCert().toString(),
                "porthole.tls.cert",
                dev.certChain().toString(),
                "porthole.tls.key",
                dev.privateKey().toString(),
                "porthole.pki.dir",
                tmp.resolve("unused").toString()));
    assertEquals(dev, TlsFiles.resolve(s, ServiceIdentity.engine()));
    assertTrue(
        Files.notExists(tmp.resolve("unused")),
        "dev PKI must not be created when files are configured");
  }

  @Test
  void refusesPartialTlsConfiguration() {
    Settings s =
        Settings.of(Map.of("porthole.tls.ca", "/x/ca.pem", "porthole.tls.cert", "/x/c.pem"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> TlsFiles.resolve(s, ServiceIdentity.engine()));
    assertEquals("porthole.tls.key", e.key());
    assertTrue(e.getMessage().contains("porthole.tls.key"), e.getMessage());
  }

  @Test
  void refusesMissingConfiguredFile() {
    Settings s =
        Settings.of(
            Map.of(
                "porthole.tls.ca",
                tmp.resolve("nope.pem").toString(),
                "porthole.tls.cert",
                tmp.toString(),
                "porthole.tls.key",
                tmp.toString()));
    ConfigException e =
        assertThrows(ConfigException.class, () -> TlsFiles.resolve(s, ServiceIdentity.engine()));
    assertEquals("porthole.tls.ca", e.key());
    assertTrue(e.getMessage().contains("nope.pem"), e.getMessage());
  }

  @Test
  void buildsGrpcCredentialsFromDevFiles() {
    TlsFiles files = DevPki.ensure(tmp, ServiceIdentity.hostAgent("localhost:9443"));
    assertNotNull(files.serverCredentials());
    assertNotNull(files.channelCredentials(ServiceIdentity.hostAgent("localhost:9443")));
  }

  @Test
  void credentialsFailClearlyWhenFilesAreGone() {
    TlsFiles files =
        new TlsFiles(tmp.resolve("ca.pem"), tmp.resolve("x.pem"), tmp.resolve("x.key"));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, files::serverCredentials);
    assertTrue(e.getMessage().contains("x.pem"), e.getMessage());
    assertThrows(
        UncheckedIOException.class,
        () -> files.channelCredentials(ServiceIdentity.hostAgent("localhost:9443")));
  }

  @Test
  void readsTheKeyAndChainWithTheJdkAlone() throws Exception {
    TlsFiles files = DevPki.ensure(tmp, ServiceIdentity.hostAgent("localhost:9443"));
    PrivateKey key = files.readPrivateKey();
    X509Certificate[] chain = files.readCertChain();
    assertEquals("EC", key.getAlgorithm());
    assertTrue(chain.length >= 1);
    // The key belongs to the leaf: a signature by it verifies with the leaf's public key.
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(chain[0].getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    assertTrue(verifier.verify(signature));
    assertEquals(
        List.of(),
        Arrays.stream(Security.getProviders())
            .map(Provider::getName)
            .filter(name -> name.startsWith("BC"))
            .toList(),
        "no BouncyCastle provider registered by reading the files");
  }

  @Test
  void readsAnRsaPkcs8KeyAndRefusesWhatIsNoKeyNamingTheFile() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    PrivateKey generated = rsa.generateKeyPair().getPrivate();
    Path rsaKey = tmp.resolve("rsa.key");
    Files.writeString(rsaKey, Pem.privateKey(generated));
    TlsFiles rsaFiles = new TlsFiles(tmp.resolve("ca.pem"), tmp.resolve("x.pem"), rsaKey);
    assertEquals(generated, rsaFiles.readPrivateKey());

    Path pkcs1 = tmp.resolve("pkcs1.key");
    Files.writeString(
        pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    Path garbage = tmp.resolve("garbage.key");
    Files.writeString(
        garbage, "-----BEGIN PRIVATE KEY-----\n!!not base64!!\n-----END PRIVATE KEY-----\n");
    Path notAKey = tmp.resolve("not-a-key.key");
    Files.writeString(notAKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    for (Path bad : new Path[] {pkcs1, garbage, notAKey}) {
      TlsFiles files = new TlsFiles(tmp.resolve("ca.pem"), tmp.resolve("x.pem"), bad);
      GeneralSecurityException e =
          assertThrows(GeneralSecurityException.class, files::readPrivateKey);
      assertTrue(e.getMessage().contains(bad.getFileName().toString()), e.getMessage());
    }
    Path noCert = tmp.resolve("empty.pem");
    Files.writeString(noCert, "");
    TlsFiles empty = new TlsFiles(tmp.resolve("ca.pem"), noCert, rsaKey);
    assertThrows(GeneralSecurityException.class, empty::readCertChain);
  }
}
