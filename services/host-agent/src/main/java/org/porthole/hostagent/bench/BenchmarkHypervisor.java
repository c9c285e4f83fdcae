package org.porthole.hostagent.bench;

import java.util.List;
import java.util.Optional;
import org.porthole.hostagent.AgentConfig;
import org.porthole.hostagent.libvirt.DomainView;
import org.porthole.hostagent.libvirt.Hypervisor;

/**
 * The inventory in benchmark mode ({@code porthole.agent.libvirt-uri=none}): no libvirt, no
 * domains. Consoles are routed by {@link BenchmarkBackend} instead of by domain.
 */
public final class BenchmarkHypervisor implements Hypervisor {

  @Override
  public List<DomainView> listDomains() {
    return List.of();
  }

  @Override
  public Optional<DomainView> findDomain(String uuid) {
    return Optional.empty();
  }

  @Override
  public String uri() {
    return AgentConfig.NONE;
  }

  @Override
  public String libvirtVersion() {
    return AgentConfig.NONE;
  }
}
