package org.porthole.hostagent.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.porthole.hostagent.AgentException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Reads the graphics device out of domain XML: which addresses or socket QEMU listens on, the live
 * port, whether a password is set, and whether the listener is exposed.
 *
 * <p>libvirt writes the listener in several shapes: a {@code listen} attribute, {@code <listen
 * type='address|network|socket|none'>} children, or a legacy {@code socket} attribute. A running
 * domain's live XML always carries the resolved address. A defined, not running domain without any
 * listen uses qemu.conf's {@code vnc_listen} (127.0.0.1 by default) and is reported as not exposed;
 * a {@code network} listen without a resolved address is reported as exposed, since the network's
 * address is unknown here.
 */
public final class GraphicsXml {
  private GraphicsXml() {}

  /** The VNC device, else the first graphics device, else empty. */
  public static Optional<GraphicsInfo> read(String domainXml) throws AgentException {
    return read(DomainXml.parse(domainXml));
  }

  /** As {@link #read(String)} on a parsed document. */
  public static Optional<GraphicsInfo> read(Document doc) {
    List<Element> all = DomainXml.graphicsElements(doc);
    return primary(doc).map(g -> describe(g, all.indexOf(g)));
  }

  /** The element {@link #read} describes: the first VNC device, else the first device. */
  public static Optional<Element> primary(Document doc) {
    List<Element> all = DomainXml.graphicsElements(doc);
    for (Element g : all) {
      if ("vnc".equals(g.getAttribute("type"))) {
        return Optional.of(g);
      }
    }
    return all.stream().findFirst();
  }

  static GraphicsInfo describe(Element g, int index) {
    List<String> addresses = new ArrayList<>();
    String socket = g.getAttribute("socket");
    boolean unknownNetwork = false;
    boolean noListener = false;
    addIfPresent(addresses, g.getAttribute("listen"));
    for (Element l : DomainXml.children(g, "listen")) {
      switch (l.getAttribute("type")) {
        case "socket" -> socket = socket.isEmpty() ? l.getAttribute("socket") : socket;
        case "none" -> noListener = true;
        case "network" -> unknownNetwork |= !addIfPresent(addresses, l.getAttribute("address"));
        default -> addIfPresent(addresses, l.getAttribute("address"));
      }
    }
    List<String> distinct = addresses.stream().distinct().toList();
    boolean exposed = unknownNetwork || distinct.stream().anyMatch(ListenExposure::isExposed);
    if (noListener && distinct.isEmpty() && socket.isEmpty()) {
      exposed = false;
    }
    return new GraphicsInfo(
        g.getAttribute("type"),
        socket.isEmpty() ? distinct : List.of(),
        socket.isEmpty() ? port(g.getAttribute("port")) : 0,
        socket,
        exposed,
        g.hasAttribute("passwd"),
        index);
  }

  private static boolean addIfPresent(List<String> addresses, String value) {
    if (value == null || value.isBlank()) {
      return false;
    }
    addresses.add(value.trim());
    return true;
  }

  private static int port(String value) {
    try {
      int p = Integer.parseInt(value.trim());
      return p > 0 && p <= 65535 ? p : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
