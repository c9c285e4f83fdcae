package org.porthole.engine.console;

/**
 * A console session just issued, with its secret: the signed token, the client's only credential
 * (no VNC password leaves the host agent). Handed to the client once; never logged ({@code
 * toString} hides it).
 *
 * @param reconnectWindowSeconds the VM's console policy: how long after a drop the client asks for
 *     a fresh token by itself (0: it does not)
 */
public record IssuedConsole(
    ConsoleSession session, String token, String proxyUrl, int reconnectWindowSeconds) {

  @Override
  public String toString() {
    return "IssuedConsole[session=" + session.id() + ", vm=" + session.vmId() + "]";
  }
}
