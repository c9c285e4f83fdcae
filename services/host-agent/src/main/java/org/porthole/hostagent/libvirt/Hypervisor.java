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

  /**
   * Returns when the hypervisor answers a cheap call now, on a connection of its own (readiness):
   * it may block while the hypervisor hangs, so callers bound it.
   *
   * @throws AgentException when it does not answer
   */
  default void ping() throws AgentException {}

  /** Whether the agent's own connection is open now (readiness: not while it is being reopened). */
  default boolean connectionAlive() {
    return true;
  }

  /**
   * Whether a lost connection is (or would be) reopened by the agent itself (liveness): false only
   * when the agent cannot recover without a restart.
   */
  default boolean connectionRecoverable() {
    return true;
  }

  /**
   * Runs {@code action} each time the agent's own connection is lost, before it is reopened (on the
   * reconnect thread).
   */
  default void whenConnectionLost(Runnable action) {}
}
