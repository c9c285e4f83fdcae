package org.porthole.engine.console;

import java.util.Optional;
import org.porthole.engine.sso.SsoTicket;

/**
 * A console session just issued, with its secret: the signed token, the client's only credential
 * (no VNC password leaves the host agent). Handed to the client once; never logged ({@code
 * toString} hides it).
 *
 * @param reconnectWindowSeconds the VM's console policy: how long after a drop the client asks for
 *     a fresh token by itself (0: it does not)
 * @param sso the SSO channel's ticket of the same session, when SSO was asked
 */
public record IssuedConsole(
    ConsoleSession session,
    String token,
    String proxyUrl,
    int reconnectWindowSeconds,
    Optional<SsoTicket> sso) {

  /** A console without SSO. */
  public IssuedConsole(
      ConsoleSession session, String token, String proxyUrl, int reconnectWindowSeconds) {
    this(session, token, proxyUrl, reconnectWindowSeconds, Optional.empty());
  }

  @Override
  public String toString() {
    return "IssuedConsole[session="
        + session.id()
        + ", vm="
        + session.vmId()
        + ", sso="
        + sso.isPresent()
        + "]";
  }
}
