package org.porthole.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
