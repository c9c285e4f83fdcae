package org.porthole.hostagent.libvirt;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.porthole.hostagent.AgentException;

/** An in-memory hypervisor for unit tests. */
public final class FakeHypervisor implements Hypervisor {
  private final Map<String, DomainView> domains = new ConcurrentHashMap<>();

  public FakeHypervisor add(DomainView d) {
    domains.put(d.uuid(), d);
    return this;
  }

  /** A running domain whose VNC listens on a unix socket, started with a password. */
  public static DomainView runningOnSocket(String uuid, String name, String socket) {
    return new DomainView(
        uuid,
        name,
        VmState.RUNNING,
        Optional.of(new GraphicsInfo("vnc", List.of(), 0, socket, false, true)));
  }

  /** A running domain whose VNC listens on TCP port 5901 of {@code listen}. */
  public static DomainView runningOnTcp(
      String uuid, String name, String listen, boolean exposed, boolean password) {
    return new DomainView(
        uuid,
        name,
        VmState.RUNNING,
        Optional.of(new GraphicsInfo("vnc", List.of(listen), 5901, "", exposed, password)));
  }

  /** A defined, not running domain with the given listen address. */
  public static DomainView stopped(String uuid, String name, String listen, boolean exposed) {
    return new DomainView(
        uuid,
        name,
        VmState.SHUTOFF,
        Optional.of(new GraphicsInfo("vnc", List.of(listen), 0, "", exposed, false)));
  }

  @Override
  public List<DomainView> listDomains() {
    return List.copyOf(domains.values());
  }

  @Override
  public Optional<DomainView> findDomain(String uuid) throws AgentException {
    return Optional.ofNullable(domains.get(DomainUuid.require(uuid)));
  }

  @Override
  public String uri() {
    return "test:///fake";
  }

  @Override
  public String libvirtVersion() {
    return "9.0.0";
  }
}
