package org.porthole.hostagent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;

class GraphicsXmlTest {

  private static String domain(String devices) {
    return "<domain type='qemu'><name>vm</name><devices>" + devices + "</devices></domain>";
  }

  private static GraphicsInfo read(String devices) throws AgentException {
    return GraphicsXml.read(domain(devices)).orElseThrow();
  }

  @Test
  void liveLoopbackVncWithPasswordIsSafeAndTicketCapable() throws AgentException {
    GraphicsInfo g =
        read(
            "<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'"
                + " passwd='x'><listen type='address' address='127.0.0.1'/></graphics>");
    assertThat(g.type()).isEqualTo("vnc");
    assertThat(g.listenAddresses()).containsExactly("127.0.0.1");
    assertThat(g.port()).isEqualTo(5901);
    assertThat(g.exposed()).isFalse();
    assertThat(g.passwordCapable()).isTrue();
  }

  @Test
  void wildcardListenerIsExposed() throws AgentException {
    GraphicsInfo g =
        read(
            "<graphics type='vnc' port='5900' listen='0.0.0.0'>"
                + "<listen type='address' address='0.0.0.0'/></graphics>");
    assertThat(g.exposed()).isTrue();
    assertThat(g.passwordCapable()).isFalse();
  }

  @Test
  void anyExposedListenerAmongSeveralExposesTheDomain() throws AgentException {
    GraphicsInfo g =
        read(
            "<graphics type='vnc'><listen type='address' address='127.0.0.1'/>"
                + "<listen type='address' address='192.168.0.7'/></graphics>");
    assertThat(g.exposed()).isTrue();
  }

  @Test
  void unixSocketIsNotExposedAndHasNoPort() throws AgentException {
    GraphicsInfo g =
        read(
            "<graphics type='vnc' port='-1'>"
                + "<listen type='socket' socket='/run/vnc/vm.sock'/></graphics>");
    assertThat(g.isUnixSocket()).isTrue();
    assertThat(g.socket()).isEqualTo("/run/vnc/vm.sock");
    assertThat(g.port()).isZero();
    assertThat(g.listen()).isEmpty();
    assertThat(g.exposed()).isFalse();
  }

  @Test
  void legacySocketAttributeCounts() throws AgentException {
    GraphicsInfo g = read("<graphics type='vnc' socket='/tmp/v.sock'/>");
    assertThat(g.socket()).isEqualTo("/tmp/v.sock");
    assertThat(g.exposed()).isFalse();
  }

  @Test
  void networkListenWithoutResolvedAddressIsExposed() throws AgentException {
    GraphicsInfo g =
        read("<graphics type='vnc'><listen type='network' network='default'/></graphics>");
    assertThat(g.exposed()).isTrue();
  }

  @Test
  void listenNoneIsNotExposed() throws AgentException {
    GraphicsInfo g = read("<graphics type='vnc'><listen type='none'/></graphics>");
    assertThat(g.exposed()).isFalse();
  }

  @Test
  void prefersVncOverEarlierSpice() throws AgentException {
    GraphicsInfo g =
        read(
            "<graphics type='spice' listen='0.0.0.0'/>"
                + "<graphics type='vnc' listen='127.0.0.1' passwd='p'/>");
    assertThat(g.isVnc()).isTrue();
    assertThat(g.exposed()).isFalse();
  }

  @Test
  void reportsSpiceWhenThereIsNoVnc() throws AgentException {
    GraphicsInfo g = read("<graphics type='spice' listen='0.0.0.0'/>");
    assertThat(g.isVnc()).isFalse();
    assertThat(g.exposed()).isTrue();
  }

  @Test
  void garbagePortIsZero() throws AgentException {
    assertThat(read("<graphics type='vnc' port='abc' listen='127.0.0.1'/>").port()).isZero();
    assertThat(read("<graphics type='vnc' port='70000' listen='127.0.0.1'/>").port()).isZero();
  }

  @Test
  void domainWithoutGraphicsHasNone() throws AgentException {
    assertThat(GraphicsXml.read(domain("<disk type='file'/>"))).isEmpty();
    assertThat(
            GraphicsXml.read("<notadomain><devices><graphics type='vnc'/></devices></notadomain>"))
        .isEmpty();
  }

  @Test
  void vncAfterASpiceDeviceIsTheSecondGraphicsDevice() throws AgentException {
    GraphicsInfo g =
        read(
            "<graphics type='spice' autoport='yes'/>"
                + "<graphics type='vnc' passwd='x'><listen type='socket'"
                + " socket='/var/lib/libvirt/qemu/domain-3-web/vnc.sock'/></graphics>");
    assertThat(g.isVnc()).isTrue();
    assertThat(g.index()).as("virDomainOpenGraphics counts every graphics device").isEqualTo(1);
    assertThat(read("<graphics type='vnc' listen='127.0.0.1'/>").index()).isZero();
  }
}
