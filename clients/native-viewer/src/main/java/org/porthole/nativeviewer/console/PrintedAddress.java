package org.porthole.nativeviewer.console;

import java.io.PrintStream;

/**
 * {@code --proxy-only}: the tunnel's address and its one-time password are printed on stdout (the
 * user's own terminal) for a VNC client of the user's choice; again after each reconnect, since
 * every attempt has its own port and password.
 */
public final class PrintedAddress implements ViewerSide {
  private final PrintStream out;

  public PrintedAddress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void offer(String vmName, String host, int port, String password) {
    out.println("address " + host + ":" + port);
    out.println("password " + password);
    out.flush();
  }

  @Override
  public void admitted() {}

  @Override
  public void withdraw() {}

  @Override
  public boolean alive() {
    return true;
  }
}
