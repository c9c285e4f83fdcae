package org.porthole.stack.demovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void bootsTheSharedImageOrItsOwnWithAKeytab() {
    assertThat(xml).contains("<initrd>/var/lib/libvirt/images/porthole/initrd.img</initrd>");
    Path own = DemoVm.perVmInitrd("porthole-x");
    assertThat(own).isEqualTo(Path.of("/var/lib/libvirt/images/porthole/initrd-porthole-x.img"));
    assertThat(DemoVm.domainXml("porthole-x", "qemu", own))
        .contains("<initrd>/var/lib/libvirt/images/porthole/initrd-porthole-x.img</initrd>")
        .contains("<kernel>/var/lib/libvirt/images/porthole/vmlinuz</kernel>")
        .doesNotContain("/initrd.img");
  }

  @Test
  void aVmsPrincipalIsAHostPrincipalOfTheStacksRealm() {
    assertThat(GuestKeytab.spnOf("porthole-demo"))
        .isEqualTo("host/porthole-demo.porthole.test@PORTHOLE.TEST");
    assertThatThrownBy(() -> GuestKeytab.spnOf("evil.name/x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new GuestKeytab("s", Path.of("k")).krb5Conf())
        .contains("default_realm = PORTHOLE.TEST")
        .doesNotContainPattern("(?m)^ *kdc *=");
  }

  @Test
  void keepsAnExistingDomainsUuidWhenRedefining() {
    String with =
        DemoVm.withUuid(xml, java.util.Optional.of("b8f5b6d3-dfba-4aaa-b8bf-bad06afe9dcd"));
    assertThat(with).contains("</name>\n  <uuid>b8f5b6d3-dfba-4aaa-b8bf-bad06afe9dcd</uuid>");
    assertThat(DemoVm.withUuid(xml, java.util.Optional.empty())).isEqualTo(xml);
  }
}
