package org.porthole.hostagent.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;

class DomainXmlTest {

  @Test
  void rejectsExternalEntityThatWouldReadHostFiles() {
    String xxe =
        "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
            + "<domain><name>&x;</name></domain>";
    assertThatThrownBy(() -> DomainXml.parse(xxe))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("DOCTYPE")
        .hasMessageNotContaining("root:");
  }

  @Test
  void rejectsEntityExpansionBomb() {
    String bomb =
        "<!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>"
            + "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;'>]><domain>&c;</domain>";
    assertThatThrownBy(() -> DomainXml.parse(bomb)).isInstanceOf(AgentException.class);
  }

  @Test
  void rejectsAnyDoctypeEvenWithoutEntities() {
    assertThatThrownBy(() -> DomainXml.parse("<!DOCTYPE domain><domain/>"))
        .isInstanceOf(AgentException.class);
  }

  @Test
  void rejectsOversizedXmlBeforeParsing() {
    String huge = "<domain>" + "x".repeat(DomainXml.MAX_CHARS) + "</domain>";
    assertThatThrownBy(() -> DomainXml.parse(huge))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void rejectsEmptyAndMalformedXmlWithoutQuotingIt() {
    assertThatThrownBy(() -> DomainXml.parse("")).isInstanceOf(AgentException.class);
    assertThatThrownBy(() -> DomainXml.parse(null)).isInstanceOf(AgentException.class);
    assertThatThrownBy(() -> DomainXml.parse("<domain><graphics passwd='Sekr3t!x'></domain>"))
        .isInstanceOf(AgentException.class)
        .hasMessageNotContaining("Sekr3t!x");
  }

  @Test
  void rejectsXIncludeOfHostFiles() throws AgentException {
    String xi =
        "<domain xmlns:xi='http://www.w3.org/2001/XInclude'>"
            + "<xi:include href='file:///etc/passwd' parse='text'/></domain>";
    // Not namespace-aware and XInclude off: the element stays an inert element.
    assertThat(DomainXml.parse(xi).getDocumentElement().getTextContent()).doesNotContain("root:");
  }
}
