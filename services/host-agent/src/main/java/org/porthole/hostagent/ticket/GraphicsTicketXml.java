package org.porthole.hostagent.ticket;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainXml;
import org.porthole.status.PortholeStatus;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds the device XML for a live graphics update: the domain's current VNC element (read with the
 * secure flag, so every other attribute, the port and the listeners stay as they are) with {@code
 * passwd} and {@code passwdValidTo} replaced.
 *
 * <p>The result holds the password: it goes to libvirt and nowhere else.
 */
public final class GraphicsTicketXml {
  /** libvirt's passwdValidTo format, in UTC. */
  static final DateTimeFormatter VALID_TO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private GraphicsTicketXml() {}

  /**
   * The {@code <graphics type='vnc'>} element of {@code secureDomainXml} with the ticket set.
   *
   * @throws AgentException CONFLICT when the domain has no VNC graphics or was started without a
   *     password (QEMU then has no password auth to hand a ticket to)
   */
  public static String withTicket(String secureDomainXml, String password, Instant validTo)
      throws AgentException {
    Element vnc = vncElement(DomainXml.parse(secureDomainXml));
    if (!vnc.hasAttribute("passwd")) {
      throw new AgentException(
          PortholeStatus.CONFLICT,
          "domain was started without a VNC password, so QEMU cannot check tickets;"
              + " give its <graphics> a passwd and restart it");
    }
    Element copy = (Element) vnc.cloneNode(true);
    copy.setAttribute("passwd", password);
    copy.setAttribute("passwdValidTo", VALID_TO.format(validTo));
    return DomainXml.write(copy);
  }

  private static Element vncElement(Document doc) throws AgentException {
    for (Element g : DomainXml.graphicsElements(doc)) {
      if ("vnc".equals(g.getAttribute("type"))) {
        return g;
      }
    }
    throw new AgentException(PortholeStatus.CONFLICT, "domain has no VNC graphics");
  }
}
