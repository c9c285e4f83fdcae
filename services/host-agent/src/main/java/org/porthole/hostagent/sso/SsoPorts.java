package org.porthole.hostagent.sso;

import java.nio.file.Path;
import java.util.Optional;
import org.porthole.hostagent.AgentException;

/** Where each domain's SSO port is: libvirt's socket for {@code org.porthole.sso.0}. */
@FunctionalInterface
public interface SsoPorts {
  /** No SSO ports at all (the relay benchmark's hypervisor double). */
  SsoPorts NONE = vmUuid -> Optional.empty();

  /** The unix socket of the running domain's SSO port; empty when it has none. */
  Optional<Path> socket(String vmUuid) throws AgentException;
}
