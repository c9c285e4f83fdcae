package org.porthole.stack.demovm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The demo domain's XML carries the guest protocol's channels and logs its serial console. */
class DemoVmXmlTest {
  private final String xml = DemoVm.domainXml("porthole-x", "qemu");

  @Test
  void hasVirtioSerialControllerAndBothChannels() {
    assertThat(xml)
        .contains("<controller type='virtio-serial' index='0'/>")
        .contains("<target type='virtio' name='org.porthole.guest.0'/>")
        .contains("<target type='virtio' name='org.porthole.sso.0'/>");
  }

  @Test
  void leavesSocketPathsToLibvirt() throws IOException {
    // libvirt replaces any path under its channel directory with its own per-start one.
    assertThat(DomainXml.channelSocket(xml, DemoVm.GUEST_CHANNEL)).isEmpty();
  }

  @Test
  void logsSerialConsoleToAFileNamedAfterTheDomain() {
    assertThat(DemoVm.serialLog("porthole-x"))
        .isEqualTo(Path.of("/var/log/libvirt/qemu/porthole-x-serial.log"));
    assertThat(xml)
        .contains("<log file='/var/log/libvirt/qemu/porthole-x-serial.log' append='off'/>");
  }

  @Test
  void vncOnAUnixSocketOnlyWithExpiredPassword() {
    assertThat(xml)
        .contains("<listen type='socket'/>")
        .contains("passwdValidTo='2000-01-01T00:00:00'")
        .doesNotContain("listen='")
        .doesNotContain("type='address'")
        .doesNotContain("autoport");
  }

  @Test
  void keepsAnExistingDomainsUuidWhenRedefining() {
    String with =
        DemoVm.withUuid(xml, java.util.Optional.of("b8f5b6d3-dfba-4aaa-b8bf-bad06afe9dcd"));
    assertThat(with).contains("</name>\n  <uuid>b8f5b6d3-dfba-4aaa-b8bf-bad06afe9dcd</uuid>");
    assertThat(DemoVm.withUuid(xml, java.util.Optional.empty())).isEqualTo(xml);
  }
}
