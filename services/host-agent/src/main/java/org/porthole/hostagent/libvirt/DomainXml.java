package org.porthole.hostagent.libvirt;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Parses and writes libvirt domain XML safely: no DTDs, no external entities, no XInclude, bounded
 * size. Domain XML read with the secure flag holds VNC passwords, so nothing here ever puts
 * document content into an exception message or a log line.
 */
public final class DomainXml {
  /** Larger than any real domain description; refuses absurd input before parsing it. */
  public static final int MAX_CHARS = 4 * 1024 * 1024;

  private DomainXml() {}

  /** Parses a document; DOCTYPE declarations, entities and oversized input are refused. */
  public static Document parse(String xml) throws AgentException {
    if (xml == null || xml.isEmpty()) {
      throw new AgentException(PortholeStatus.INTERNAL, "domain XML is empty");
    }
    if (xml.length() > MAX_CHARS) {
      throw new AgentException(
          PortholeStatus.INTERNAL, "domain XML exceeds " + MAX_CHARS + " chars");
    }
    try {
      DocumentBuilder builder = factory().newDocumentBuilder();
      builder.setErrorHandler(SILENT);
      builder.setEntityResolver(
          (publicId, systemId) -> {
            throw new SAXException("external entities are not allowed");
          });
      return builder.parse(new InputSource(new StringReader(xml)));
    } catch (SAXParseException e) {
      throw new AgentException(
          PortholeStatus.INTERNAL,
          "domain XML refused at line " + e.getLineNumber() + ": " + reason(e));
    } catch (SAXException | IOException | ParserConfigurationException e) {
      throw new AgentException(PortholeStatus.INTERNAL, "domain XML refused: " + reason(e));
    }
  }

  /** Serializes one element (no XML declaration), e.g. a device for a live update. */
  public static String write(Element element) throws AgentException {
    try {
      TransformerFactory tf = TransformerFactory.newInstance();
      tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer t = tf.newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      t.transform(new DOMSource(element), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new AgentException(PortholeStatus.INTERNAL, "cannot write device XML");
    }
  }

  /** The direct child elements of {@code parent} with the given tag name. */
  public static List<Element> children(Element parent, String tag) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n.getNodeType() == Node.ELEMENT_NODE && tag.equals(n.getNodeName())) {
        found.add((Element) n);
      }
    }
    return found;
  }

  /** The {@code <graphics>} elements under {@code /domain/devices}. */
  public static List<Element> graphicsElements(Document doc) {
    Element root = doc.getDocumentElement();
    if (root == null || !"domain".equals(root.getNodeName())) {
      return List.of();
    }
    List<Element> graphics = new ArrayList<>();
    for (Element devices : children(root, "devices")) {
      graphics.addAll(children(devices, "graphics"));
    }
    return graphics;
  }

  private static DocumentBuilderFactory factory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    return f;
  }

  /** Parser messages name the rule that failed; they do not quote document content. */
  private static String reason(Exception e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    return m.length() > 200 ? m.substring(0, 200) : m;
  }

  private static final ErrorHandler SILENT =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      };
}
