package org.porthole.hostagent.relay;

import java.net.InetSocketAddress;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.GraphicsInfo;
import org.porthole.hostagent.libvirt.Hypervisor;
import org.porthole.status.PortholeStatus;

/**
 * Finds a domain's live VNC server from the hypervisor's inventory. A TCP listener is reached at
 * its own address; a wildcard (0.0.0.0, ::) or "localhost" at 127.0.0.1 / ::1. A unix socket is
 * never opened by path: it lies in the domain's private directory, so each connection is handed to
 * QEMU through libvirt ({@link VncHandoffs}).
 */
public final class VncTargets implements ConsoleTargets {
  private final Hypervisor hypervisor;
  private final VncHandoffs handoffs;

  public VncTargets(Hypervisor hypervisor, VncHandoffs handoffs) {
    this.hypervisor = hypervisor;
    this.handoffs = handoffs;
  }

  @Override
  public VncTarget resolve(String vmUuid) throws AgentException {
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
      return new VncTarget.Handoff(handoffs, vm.uuid(), g.index());
    }
    if (g.port() <= 0) {
      throw new AgentException(
          PortholeStatus.CONFLICT, "domain " + vmUuid + " has no live VNC port");
    }
    return new VncTarget.Listener(new InetSocketAddress(connectHost(g.listen()), g.port()));
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
