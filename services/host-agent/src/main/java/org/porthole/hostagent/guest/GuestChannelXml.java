package org.porthole.hostagent.guest;

import java.nio.file.Path;
import java.util.Optional;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Finds the host end of a domain's guest control channel (and of its SSO port) in its live XML:
 * {@code <channel type='unix'><source mode='bind' path='...'/><target type='virtio'
 * name='org.porthole.guest.0'/></channel>} under {@code /domain/devices}. QEMU listens on that unix
 * socket (libvirt fills in {@code path} when the definition leaves it out) and the host agent
 * connects to it. The XML is parsed with {@link DomainXml}'s safe parser; nothing of it is logged.
 */
public final class GuestChannelXml {
  /** The virtio-serial port name of the control channel (docs/guest-protocol.md). */
  public static final String CONTROL_PORT = "org.porthole.guest.0";

  /** The virtio-serial port name of the SSO channel (docs/sso-protocol.md, "Transport"). */
  public static final String SSO_PORT = "org.porthole.sso.0";

  /** Longer than any unix socket path the kernel accepts (108 bytes): refused. */
  static final int MAX_PATH_CHARS = 107;

  private GuestChannelXml() {}

  /** The socket path of the control channel, or empty when the domain has none usable. */
  public static Optional<Path> controlSocket(String domainXml) throws AgentException {
    return socket(domainXml, CONTROL_PORT);
  }

  /** The socket path of the SSO port, or empty when the domain has none usable. */
  public static Optional<Path> ssoSocket(String domainXml) throws AgentException {
    return socket(domainXml, SSO_PORT);
  }

  /** The socket path of the unix channel whose virtio target is named {@code port}. */
  public static Optional<Path> socket(String domainXml, String port) throws AgentException {
    Document doc = DomainXml.parse(domainXml);
    Element root = doc.getDocumentElement();
    if (root == null || !"domain".equals(root.getNodeName())) {
      return Optional.empty();
    }
    for (Element devices : DomainXml.children(root, "devices")) {
      for (Element channel : DomainXml.children(devices, "channel")) {
        Optional<Path> path = socketOf(channel, port);
        if (path.isPresent()) {
          return path;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> socketOf(Element channel, String port) {
    if (!"unix".equals(channel.getAttribute("type"))) {
      return Optional.empty();
    }
    boolean ours =
        DomainXml.children(channel, "target").stream()
            .anyMatch(
                t ->
                    "virtio".equals(t.getAttribute("type")) && port.equals(t.getAttribute("name")));
    if (!ours) {
      return Optional.empty();
    }
    for (Element source : DomainXml.children(channel, "source")) {
      String mode = source.getAttribute("mode");
      String path = source.getAttribute("path");
      if ("bind".equals(mode) && usable(path)) {
        return Optional.of(Path.of(path));
      }
    }
    return Optional.empty();
  }

  /** An absolute path of sane length without NUL or parent steps. */
  static boolean usable(String path) {
    if (path.isEmpty()
        || path.length() > MAX_PATH_CHARS
        || !path.startsWith("/")
        || path.indexOf('\0') >= 0) {
      return false;
    }
    for (Path part : Path.of(path)) {
      if ("..".equals(part.toString())) {
        return false;
      }
    }
    return true;
  }
}
