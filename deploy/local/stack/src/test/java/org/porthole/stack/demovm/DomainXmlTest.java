package org.porthole.stack.demovm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Channel sockets read out of live domain XML, including XML a hostile or broken source could give.
 */
class DomainXmlTest {
  private static final String LIVE =
      """
      <domain type='qemu' id='8'>
        <name>demo</name>
        <devices>
          <controller type='virtio-serial' index='0'><alias name='virtio-serial0'/></controller>
          <channel type='pty'><target type='virtio' name='org.porthole.guest.0'/></channel>
          <channel type='unix'>
            <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-8-demo/org.porthole.guest.0'/>
            <target type='virtio' name='org.porthole.guest.0' state='connected'/>
            <alias name='channel0'/>
          </channel>
          <channel type='unix'>
            <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-8-demo/org.porthole.sso.0'/>
            <target type='virtio' name='org.porthole.sso.0' state='disconnected'/>
          </channel>
        </devices>
      </domain>
      """;

  @Test
  void findsEachChannelsSocketByTargetName() throws IOException {
    assertThat(DomainXml.channelSocket(LIVE, DemoVm.GUEST_CHANNEL))
        .contains(
            Path.of("/var/lib/libvirt/qemu/channel/target/domain-8-demo/org.porthole.guest.0"));
    assertThat(DomainXml.channelSocket(LIVE, DemoVm.SSO_CHANNEL))
        .contains(Path.of("/var/lib/libvirt/qemu/channel/target/domain-8-demo/org.porthole.sso.0"));
  }

  @Test
  void emptyForUnknownChannelOrDomainWithoutChannels() throws IOException {
    assertThat(DomainXml.channelSocket(LIVE, "org.qemu.guest_agent.0")).isEmpty();
    assertThat(DomainXml.channelSocket("<domain><devices/></domain>", DemoVm.GUEST_CHANNEL))
        .isEmpty();
  }

  @Test
  void emptyWhileLibvirtHasNotAssignedAPath() throws IOException {
    String inactive =
        """
        <domain><devices><channel type='unix'><source mode='bind'/>
        <target type='virtio' name='org.porthole.guest.0'/></channel></devices></domain>""";
    assertThat(DomainXml.channelSocket(inactive, DemoVm.GUEST_CHANNEL)).isEmpty();
  }

  @Test
  void rejectsRelativeSocketPath() throws IOException {
    String relative =
        """
        <domain><devices><channel type='unix'><source mode='bind' path='../../etc/shadow'/>
        <target type='virtio' name='org.porthole.guest.0'/></channel></devices></domain>""";
    assertThat(DomainXml.channelSocket(relative, DemoVm.GUEST_CHANNEL)).isEmpty();
  }

  @Test
  void ignoresChannelsOfOtherTargetTypes() throws IOException {
    String guestfwd =
        """
        <domain><devices><channel type='unix'><source mode='bind' path='/tmp/x'/>
        <target type='guestfwd' name='org.porthole.guest.0'/></channel></devices></domain>""";
    assertThat(DomainXml.channelSocket(guestfwd, DemoVm.GUEST_CHANNEL)).isEmpty();
  }

  @Test
  void rejectsExternalEntityThatWouldReadAHostFile() {
    String xxe =
        """
        <?xml version="1.0"?>
        <!DOCTYPE domain [<!ENTITY p SYSTEM "file:///etc/hostname">]>
        <domain><devices><channel type='unix'><source mode='bind' path='&p;'/>
        <target type='virtio' name='org.porthole.guest.0'/></channel></devices></domain>""";
    assertThatThrownBy(() -> DomainXml.channelSocket(xxe, DemoVm.GUEST_CHANNEL))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unreadable domain XML");
  }

  @Test
  void rejectsEntityExpansionBomb() {
    String bomb =
        """
        <?xml version="1.0"?>
        <!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
        <domain>&b;</domain>""";
    assertThatThrownBy(() -> DomainXml.channelSocket(bomb, DemoVm.GUEST_CHANNEL))
        .isInstanceOf(IOException.class);
  }

  @Test
  void rejectsMalformedAndEmptyXml() {
    for (String bad :
        new String[] {"", "<domain>", "not xml", "<domain><channel></domain>", "\0"}) {
      assertThatThrownBy(() -> DomainXml.channelSocket(bad, DemoVm.GUEST_CHANNEL))
          .as("%s", bad)
          .isInstanceOf(IOException.class);
    }
  }
}
