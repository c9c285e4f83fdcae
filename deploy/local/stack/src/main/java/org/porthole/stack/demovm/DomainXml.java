package org.porthole.stack.demovm;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads what the stack needs out of a live libvirt domain XML: the host-side unix socket of a
 * virtio-serial channel. The parser refuses DOCTYPEs and external entities, so a domain description
 * cannot make it read files or the network.
 */
final class DomainXml {
  private DomainXml() {}

  /**
   * The absolute socket path of the {@code <channel type='unix'>} whose virtio target is named
   * {@code channel}; empty when the domain has no such channel or libvirt has not given it a path.
   *
   * @throws IOException when {@code xml} is not well-formed or carries a DOCTYPE
   */
  static Optional<Path> channelSocket(String xml, String channel) throws IOException {
    NodeList channels = parse(xml).getElementsByTagName("channel");
    for (int i = 0; i < channels.getLength(); i++) {
      Element c = (Element) channels.item(i);
      if (!"unix".equals(c.getAttribute("type")) || !channel.equals(targetName(c))) {
        continue;
      }
      Element source = firstChild(c, "source");
      String path = source == null ? "" : source.getAttribute("path");
      if (path.isEmpty() || !path.startsWith("/") || path.indexOf('\0') >= 0) {
        return Optional.empty();
      }
      return Optional.of(Path.of(path).normalize());
    }
    return Optional.empty();
  }

  private static String targetName(Element channel) {
    Element target = firstChild(channel, "target");
    return target != null && "virtio".equals(target.getAttribute("type"))
        ? target.getAttribute("name")
        : null;
  }

  private static Element firstChild(Element parent, String tag) {
    NodeList list = parent.getElementsByTagName(tag);
    return list.getLength() == 0 ? null : (Element) list.item(0);
  }

  private static Document parse(String xml) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new DefaultHandler()); // errors become exceptions, not lines on stderr
      return b.parse(new InputSource(new StringReader(xml)));
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("unreadable domain XML: " + e.getMessage(), e);
    }
  }
}
