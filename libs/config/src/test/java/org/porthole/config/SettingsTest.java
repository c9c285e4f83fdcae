package org.porthole.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void environmentNameReplacesDotsAndDashesAndUpperCases() {
    assertEquals(
        "PORTHOLE_PROXY_ALLOWED_ORIGINS",
        Settings.environmentName("porthole.proxy.allowed-origins"));
    assertEquals("PORTHOLE_KAFKA_BOOTSTRAP", Settings.environmentName("porthole.kafka.bootstrap"));
  }

  @Test
  void readsEnvironmentVariableForDottedKey() {
    String path = System.getenv("PATH");
    assertTrue(path != null && !path.isBlank(), "test needs PATH in the environment");
    assertEquals(Optional.of(path.trim()), Settings.fromEnvironment().find("path"));
  }

  @Test
  void systemPropertyWinsOverEnvironment() {
    System.setProperty("path", "/from/property");
    try {
      assertEquals("/from/property", Settings.fromEnvironment().get("path", "default"));
    } finally {
      System.clearProperty("path");
    }
  }

  @Test
  void defaultsApplyWhenUnsetOrBlank() {
    Settings s = Settings.of(Map.of("porthole.blank", "   "));
    assertEquals("d", s.get("porthole.blank", "d"));
    assertEquals("d", s.get("porthole.absent", "d"));
    assertEquals(Optional.empty(), s.find("porthole.blank"));
    assertEquals(7, s.getInt("porthole.absent", 7, 1, 10));
    assertEquals(Duration.ofSeconds(120), s.getSeconds("porthole.absent", 120, 1, 600));
  }

  @Test
  void valuesAreTrimmed() {
    assertEquals("x", Settings.of(Map.of("porthole.a", "  x \n")).get("porthole.a", "d"));
  }

  @Test
  void getIntParsesInRange() {
    Settings s = Settings.of(Map.of("porthole.proxy.port", "8081"));
    assertEquals(8081, s.getInt("porthole.proxy.port", 1, 1, 65535));
  }

  @Test
  void getIntRejectsNonIntegerNamingKeyAndValue() {
    Settings s = Settings.of(Map.of("porthole.proxy.port", "80x81"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> s.getInt("porthole.proxy.port", 1, 1, 65535));
    assertEquals("porthole.proxy.port", e.key());
    assertTrue(e.getMessage().contains("porthole.proxy.port"), e.getMessage());
    assertTrue(e.getMessage().contains("PORTHOLE_PROXY_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("'80x81'"), e.getMessage());
  }

  @Test
  void getIntRejectsOutOfRange() {
    Settings s = Settings.of(Map.of("porthole.proxy.port", "70000"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> s.getInt("porthole.proxy.port", 1, 1, 65535));
    assertTrue(
        e.getMessage().contains("70000") && e.getMessage().contains("65535"), e.getMessage());
  }

  @Test
  void getIntRejectsHugeNumberInsteadOfOverflowing() {
    Settings s = Settings.of(Map.of("porthole.n", "99999999999999999999999"));
    assertThrows(ConfigException.class, () -> s.getInt("porthole.n", 1, 0, Integer.MAX_VALUE));
    Settings t = Settings.of(Map.of("porthole.n", "4294967297"));
    assertThrows(ConfigException.class, () -> t.getInt("porthole.n", 1, 0, Integer.MAX_VALUE));
  }

  @Test
  void rejectsSecretValueWithoutPrintingIt() {
    for (String key :
        List.of(
            "porthole.db.password",
            "porthole.client-secret",
            "porthole.tls.key",
            "porthole.admin.token")) {
      Settings s = Settings.of(Map.of(key, "hunter2"));
      ConfigException e = assertThrows(ConfigException.class, () -> s.getInt(key, 1, 1, 2));
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
      assertTrue(e.getMessage().contains("***") && e.getMessage().contains(key), e.getMessage());
    }
  }

  @Test
  void getSecondsChecksRange() {
    Settings s = Settings.of(Map.of("porthole.ticket.seconds", "60", "porthole.bad", "0"));
    assertEquals(Duration.ofSeconds(60), s.getSeconds("porthole.ticket.seconds", 120, 1, 600));
    ConfigException e =
        assertThrows(ConfigException.class, () -> s.getSeconds("porthole.bad", 120, 1, 600));
    assertTrue(e.getMessage().contains("porthole.bad"), e.getMessage());
  }

  @Test
  void getListTrimsAndDropsEmptyItems() {
    Settings s =
        Settings.of(Map.of("porthole.proxy.allowed-origins", " http://a:1 ,, http://b:2 ,"));
    assertEquals(
        List.of("http://a:1", "http://b:2"), s.getList("porthole.proxy.allowed-origins", "x"));
    assertEquals(List.of("x", "y"), s.getList("porthole.absent", "x,y"));
    assertEquals(List.of(), s.getList("porthole.absent", null));
  }

  @Test
  void readFileReadsANamedFileAndNamesKeyEnvAndPathWhenTheReaderRefuses() {
    Settings s = Settings.of(Map.of("porthole.jwks.ca-file", "/etc/porthole/tls/ca.crt"));
    assertEquals(
        Optional.of("/etc/porthole/tls/ca.crt"),
        s.readFile("porthole.jwks.ca-file", Path::toString));
    assertEquals(Optional.empty(), s.readFile("porthole.other-file", Path::toString));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                s.readFile(
                    "porthole.jwks.ca-file",
                    path -> {
                      throw new IllegalArgumentException("the file holds a private key");
                    }));
    assertEquals("porthole.jwks.ca-file", e.key());
    assertEquals(
        "configuration porthole.jwks.ca-file (env PORTHOLE_JWKS_CA_FILE) ="
            + " '/etc/porthole/tls/ca.crt' refused: the file holds a private key",
        e.getMessage());
  }

  @Test
  void getPathExpandsHome() {
    String home = System.getProperty("user.home");
    Settings s = Settings.of(Map.of("porthole.pki.dir", "~/.porthole/pki", "porthole.home", "~"));
    assertEquals(Path.of(home, ".porthole", "pki"), s.getPath("porthole.pki.dir", null));
    assertEquals(Path.of(home), s.getPath("porthole.home", null));
    assertEquals(Path.of("/d"), s.getPath("porthole.absent", Path.of("/d")));
  }

  @Test
  void getPathRejectsInvalidPath() {
    Settings s = Settings.of(Map.of("porthole.pki.dir", "bad\u0000path"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> s.getPath("porthole.pki.dir", null));
    assertTrue(e.getMessage().contains("porthole.pki.dir"), e.getMessage());
  }
}
