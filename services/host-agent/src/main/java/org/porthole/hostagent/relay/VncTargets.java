package org.porthole.hostagent.relay;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.GraphicsInfo;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.status.PortholeStatus;

/**
 * Finds a domain's live VNC server from the hypervisor's inventory. A listener is reached at its
 * own address; a wildcard (0.0.0.0, ::) or "localhost" at 127.0.0.1 / ::1.
 */
public final class VncTargets implements ConsoleTargets {
  private final Hypervisor hypervisor;

  public VncTargets(Hypervisor hypervisor) {
    this.hypervisor = hypervisor;
  }

  @Override
  public SocketAddress resolve(String vmUuid) throws AgentException {
    DomainView vm =
        hypervisor
            .findDomain(vmUuid)
            .orElseThrow(() -> new AgentException(PortholeStatus.NOT_FOUND, "no domain " + vmUuid));
    if (!vm.running()) {
      throw new AgentException(PortholeStatus.CONFLICT, "domain " + vmUuid + " is not running");
    }
    GraphicsInfo g =
        vm.graphics()
            .filter(GraphicsInfo::isVnc)
            .orElseThrow(
                () ->
                    new AgentException(
                        PortholeStatus.CONFLICT, "domain " + vmUuid + " has no VNC graphics"));
    if (g.isUnixSocket()) {
      return UnixDomainSocketAddress.of(Path.of(g.socket()));
    }
    if (g.port() <= 0) {
      throw new AgentException(
          PortholeStatus.CONFLICT, "domain " + vmUuid + " has no live VNC port");
    }
    return new InetSocketAddress(connectHost(g.listen()), g.port());
  }

  static String connectHost(String listen) {
    String l = listen.trim();
    if (l.isEmpty() || "0.0.0.0".equals(l) || "localhost".equalsIgnoreCase(l)) {
      return "127.0.0.1";
    }
    if ("::".equals(l) || "[::]".equals(l)) {
      return "::1";
    }
    if (l.startsWith("[") && l.endsWith("]")) {
      l = l.substring(1, l.length() - 1);
    }
    // A specific address (exposed or not) belongs to this host: connect to it as it is.
    return l;
  }
}
