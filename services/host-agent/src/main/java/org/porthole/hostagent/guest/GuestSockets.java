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

  /**
   * The unix socket libvirt bound for the domain's SSO port ({@link GuestChannelXml#SSO_PORT});
   * empty when it has none or is not running. None unless a backend has SSO ports.
   */
  default Optional<Path> ssoSocket(String vmUuid) throws AgentException {
    return Optional.empty();
  }
}
