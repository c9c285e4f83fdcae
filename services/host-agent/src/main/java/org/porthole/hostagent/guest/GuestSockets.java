package org.porthole.hostagent.guest;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.porthole.hostagent.AgentException;

/**
 * Where the guest channels are: libvirt in production ({@link LibvirtGuestSockets}), a map in
 * tests.
 */
public interface GuestSockets {

  /** UUIDs of the running domains (the initial scan). */
  List<String> runningDomains() throws AgentException;

  /**
   * The control channel's unix socket of a running domain; empty when it has none or is not
   * running.
   */
  Optional<Path> controlSocket(String vmUuid) throws AgentException;
}
