package org.porthole.hostagent.relay;

import java.time.Instant;

/**
 * A console as its relay knows it, for events, disconnect actions and ListConsoles.
 *
 * @param sessionId the token's console session
 * @param vmUuid the domain
 * @param user the token's subject
 * @param viewOnly true for a {@code mode=view} token
 * @param clientAddress the client as the ws-proxy saw it (printable, bounded)
 * @param authenticatedAt when QEMU accepted the relay's one-time password; null before
 */
public record RelayedConsole(
    String sessionId,
    String vmUuid,
    String user,
    boolean viewOnly,
    String clientAddress,
    Instant authenticatedAt) {

  /** True once QEMU accepted the relay (the console shows the VM). */
  public boolean authenticated() {
    return authenticatedAt != null;
  }
}
