package org.porthole.hostagent.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;

class GuestChannelXmlTest {
  private static String domain(String devices) {
    return "<domain type='qemu'><name>vm1</name><devices>" + devices + "</devices></domain>";
  }

  private static String channel(String type, String mode, String path, String name) {
    return "<channel type='"
        + type
        + "'><source mode='"
        + mode
        + "' path='"
        + path
        + "'/>"
        + "<target type='virtio' name='"
        + name
        + "'/></channel>";
  }

  @Test
  void findsTheControlChannelsSocket() throws Exception {
    String xml =
        domain(
            channel("unix", "bind", "/run/sso.sock", "org.porthole.sso.0")
                + channel(
                    "unix",
                    "bind",
                    "/var/lib/libvirt/qemu/channel/target/d-vm1/org.porthole.guest.0",
                    "org.porthole.guest.0"));
    assertThat(GuestChannelXml.controlSocket(xml))
        .contains(Path.of("/var/lib/libvirt/qemu/channel/target/d-vm1/org.porthole.guest.0"));
  }

  @Test
  void findsTheSsoPortsSocketBesideTheControlChannel() throws Exception {
    String xml =
        domain(
            channel("unix", "bind", "/run/guest.sock", "org.porthole.guest.0")
                + channel("unix", "bind", "/run/sso.sock", "org.porthole.sso.0"));
    assertThat(GuestChannelXml.ssoSocket(xml)).contains(Path.of("/run/sso.sock"));
    assertThat(GuestChannelXml.controlSocket(xml)).contains(Path.of("/run/guest.sock"));
    assertThat(GuestChannelXml.ssoSocket(domain(channel("unix", "bind", "/run/g", "x")))).isEmpty();
  }

  @Test
  void ignoresOtherChannelsModesAndTypes() throws Exception {
    assertThat(GuestChannelXml.controlSocket(domain(""))).isEmpty();
    assertThat(
            GuestChannelXml.controlSocket(
                domain(channel("unix", "bind", "/run/a.sock", "org.qemu.guest_agent.0"))))
        .isEmpty();
    assertThat(
            GuestChannelXml.controlSocket(
                domain(channel("unix", "connect", "/run/a.sock", "org.porthole.guest.0"))))
        .isEmpty();
    assertThat(
            GuestChannelXml.controlSocket(
                domain(channel("pty", "bind", "/run/a.sock", "org.porthole.guest.0"))))
        .isEmpty();
    assertThat(GuestChannelXml.controlSocket("<other/>")).isEmpty();
  }

  @Test
  void refusesRelativeTraversingAndOverlongPaths() throws Exception {
    for (String bad : new String[] {"", "run/a.sock", "/run/../etc/x", "/" + "a".repeat(200)}) {
      assertThat(
              GuestChannelXml.controlSocket(
                  domain(channel("unix", "bind", bad, "org.porthole.guest.0"))))
          .as(bad)
          .isEmpty();
    }
  }

  @Test
  void refusesDoctypeAndEntities() {
    String xml = "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>" + domain("&x;");
    assertThatThrownBy(() -> GuestChannelXml.controlSocket(xml))
        .isInstanceOf(AgentException.class)
        .hasMessageNotContaining("passwd");
  }
}
