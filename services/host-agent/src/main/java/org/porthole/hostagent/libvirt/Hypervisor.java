package org.porthole.hostagent.libvirt;

import java.util.List;
import java.util.Optional;
import org.porthole.hostagent.AgentException;

/**
 * What the agent's API needs from the hypervisor: the domain inventory and its version. {@link
 * LibvirtInventory} is the real one; tests use fakes.
 */
public interface Hypervisor {

  /** Every domain libvirt knows, running or only defined. */
  List<DomainView> listDomains() throws AgentException;

  /** One domain by UUID; empty when libvirt does not know it. */
  Optional<DomainView> findDomain(String uuid) throws AgentException;

  /** The connection URI, e.g. qemu:///system. */
  String uri();

  /** libvirt's version as "major.minor.micro". */
  String libvirtVersion();
}
