package org.porthole.hostagent.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainXml;
import org.porthole.status.PortholeStatus;
import org.w3c.dom.Element;

class GraphicsTicketXmlTest {
  private static final Instant VALID_TO = Instant.parse("2030-01-02T03:04:05Z");

  private static final String LIVE =
      "<domain type='qemu' id='3'><name>vm</name><devices>"
          + "<graphics type='spice' autoport='yes'/>"
          + "<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1' passwd='old'"
          + " passwdValidTo='2020-01-01T00:00:00'><listen type='address' address='127.0.0.1'/>"
          + "</graphics><video/></devices></domain>";

  private static Element parse(String device) throws AgentException {
    return DomainXml.parse(device).getDocumentElement();
  }

  @Test
  void rewritesOnlyPasswordAndValidityOfTheLiveVncElement() throws AgentException {
    Element g = parse(GraphicsTicketXml.withTicket(LIVE, "n3wPass!", VALID_TO));
    assertThat(g.getNodeName()).isEqualTo("graphics");
    assertThat(g.getAttribute("type")).isEqualTo("vnc");
    assertThat(g.getAttribute("passwd")).isEqualTo("n3wPass!");
    assertThat(g.getAttribute("passwdValidTo")).isEqualTo("2030-01-02T03:04:05");
    assertThat(g.getAttribute("port")).isEqualTo("5901");
    assertThat(g.getAttribute("listen")).isEqualTo("127.0.0.1");
    assertThat(DomainXml.children(g, "listen")).hasSize(1);
  }

  @Test
  void escapesPasswordCharactersThatAreXmlSyntax() throws AgentException {
    String hostile = "'\"<&>/ ";
    String device = GraphicsTicketXml.withTicket(LIVE, hostile, VALID_TO);
    assertThat(parse(device).getAttribute("passwd")).isEqualTo(hostile);
    assertThat(
            DomainXml.graphicsElements(
                DomainXml.parse("<domain><devices>" + device + "</devices></domain>")))
        .hasSize(1);
  }

  @Test
  void validToIsWrittenInUtc() throws AgentException {
    Element g =
        parse(GraphicsTicketXml.withTicket(LIVE, "p", Instant.parse("2031-12-31T23:59:59.900Z")));
    assertThat(g.getAttribute("passwdValidTo")).isEqualTo("2031-12-31T23:59:59");
  }

  @Test
  void refusesDomainStartedWithoutPassword() {
    String noPasswd = LIVE.replace(" passwd='old'", "");
    assertThatThrownBy(() -> GraphicsTicketXml.withTicket(noPasswd, "p", VALID_TO))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.status()).isEqualTo(PortholeStatus.CONFLICT));
  }

  @Test
  void refusesDomainWithoutVnc() {
    String spiceOnly = "<domain><devices><graphics type='spice' passwd='x'/></devices></domain>";
    assertThatThrownBy(() -> GraphicsTicketXml.withTicket(spiceOnly, "p", VALID_TO))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.status()).isEqualTo(PortholeStatus.CONFLICT));
  }

  @Test
  void refusesHostileDomainXmlWithExternalEntity() {
    String xxe =
        "<!DOCTYPE domain [<!ENTITY pw SYSTEM 'file:///etc/shadow'>]><domain><devices>"
            + "<graphics type='vnc' passwd='&pw;'/></devices></domain>";
    assertThatThrownBy(() -> GraphicsTicketXml.withTicket(xxe, "p", VALID_TO))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.status()).isEqualTo(PortholeStatus.INTERNAL));
  }

  @Test
  void errorsNeverQuoteTheNewPassword() {
    String broken = LIVE.replace("</devices>", "");
    assertThatThrownBy(() -> GraphicsTicketXml.withTicket(broken, "Zq9xY7wK", VALID_TO))
        .isInstanceOf(AgentException.class)
        .hasMessageNotContaining("Zq9xY7wK")
        .hasMessageNotContaining("old");
  }
}
