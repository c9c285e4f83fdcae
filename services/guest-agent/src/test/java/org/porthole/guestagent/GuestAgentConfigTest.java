package org.porthole.guestagent;

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
import org.porthole.config.ConfigException;
import org.porthole.config.Settings;
import org.porthole.guestagent.desktop.ConsoleLines;
import org.porthole.guestagent.sso.SsoProbe;

class GuestAgentConfigTest {
  @Test
  void defaultsMatchTheReadme() {
    GuestAgentConfig c = GuestAgentConfig.from(Settings.of(Map.of()));
    assertEquals(Path.of("/sys/class/virtio-ports"), c.sysfsRoot());
    assertEquals(Path.of("/dev"), c.devRoot());
    assertEquals("org.porthole.guest.0", c.portName());
    assertEquals(Duration.ofSeconds(5), c.heartbeat());
    assertEquals("loginctl", c.backend());
    assertEquals(Path.of("/dev/tty0"), c.consoleFile());
    assertEquals(List.of("tester"), c.testUsers());
    assertEquals(Optional.empty(), c.spn());
    assertEquals(Path.of("/etc/krb5.keytab"), c.keytab());
  }

  @Test
  void rejectsAnUnknownBackendAndBadNumbers() {
    assertThrows(
        ConfigException.class,
        () -> GuestAgentConfig.from(Settings.of(Map.of("porthole.guest.backend", "x11"))));
    assertThrows(
        ConfigException.class,
        () -> GuestAgentConfig.from(Settings.of(Map.of("porthole.guest.heartbeat-millis", "0"))));
  }

  @Test
  void selectsTheConsoleTestBackend() throws Exception {
    GuestAgentConfig c =
        GuestAgentConfig.from(
            Settings.of(
                Map.of(
                    "porthole.guest.backend",
                    "console-test",
                    "porthole.guest.console-file",
                    System.getProperty("java.io.tmpdir") + "/porthole-guest-config-test")));
    assertEquals("ConsoleTestBackend", Main.backend(c).getClass().getSimpleName());
    assertEquals(SsoProbe.NONE, Main.probe(c, new ConsoleLines(c.consoleFile())));
  }

  @Test
  void theTestProbeIsForTheConsoleTestBackendOnly() {
    assertFalse(GuestAgentConfig.from(Settings.of(Map.of())).testProbe());
    GuestAgentConfig c =
        GuestAgentConfig.from(
            Settings.of(
                Map.of(
                    "porthole.guest.backend",
                    "console-test",
                    "porthole.guest.test-probe",
                    "true")));
    assertTrue(c.testProbe());
    assertEquals(
        "CcacheProbe", Main.probe(c, new ConsoleLines(c.consoleFile())).getClass().getSimpleName());
    assertThrows(
        ConfigException.class,
        () -> GuestAgentConfig.from(Settings.of(Map.of("porthole.guest.test-probe", "true"))));
    assertThrows(
        ConfigException.class,
        () -> GuestAgentConfig.from(Settings.of(Map.of("porthole.guest.test-probe", "yes"))));
  }
}
