package org.porthole.guestagent.port;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortLocatorTest {
  @TempDir Path root;

  @Test
  void findsThePortByItsSysfsName() throws Exception {
    Path sys = root.resolve("sys");
    Files.createDirectories(sys.resolve("vport0p1"));
    Files.writeString(sys.resolve("vport0p1/name"), "org.qemu.guest_agent.0\n");
    Files.createDirectories(sys.resolve("vport0p2"));
    Files.writeString(sys.resolve("vport0p2/name"), "org.porthole.guest.0\n");
    Files.createDirectories(sys.resolve("vport0p3"));
    PortLocator locator = new PortLocator(sys, root.resolve("dev"));
    assertEquals(Optional.of(root.resolve("dev/vport0p2")), locator.find("org.porthole.guest.0"));
    assertEquals(Optional.empty(), locator.find("org.porthole.sso.0"));
    assertEquals(
        Optional.empty(),
        new PortLocator(root.resolve("nothing"), root).find("org.porthole.guest.0"));
  }

  @Test
  void refusesAnOverlongNameAndStillFindsTheRealPort() throws Exception {
    Path sys = root.resolve("sys");
    Files.createDirectories(sys.resolve("vport0p1"));
    Files.writeString(
        sys.resolve("vport0p1/name"), "org.porthole.guest.0" + " ".repeat(300) + "\n");
    Files.createDirectories(sys.resolve("vport0p2"));
    Files.writeString(sys.resolve("vport0p2/name"), "org.porthole.guest.0\n");
    assertEquals(
        Optional.of(root.resolve("dev/vport0p2")),
        new PortLocator(sys, root.resolve("dev")).find("org.porthole.guest.0"));
  }

  @Test
  void opensAPlainFileReadWrite() throws Exception {
    Path dev = root.resolve("vport0p2");
    Files.writeString(dev, "{\"type\":\"heartbeat\",\"seq\":1}\n");
    try (PortChannel port = PortChannel.open(dev)) {
      assertEquals('{', port.in().read());
    }
  }
}
