package org.porthole.nativeviewer.console;

import java.io.IOException;

/**
 * How the local end of a console is offered: a viewer program started with the tunnel's address and
 * password, or (with {@code --proxy-only}) the address and password printed for the user's own
 * client.
 */
public interface ViewerSide {

  /** Offers the tunnel at {@code host:port} with {@code password} for the console of the VM. */
  void offer(String vmName, String host, int port, String password) throws IOException;

  /** The tunnel admitted its viewer (a password file may go now). */
  void admitted();

  /** Ends what {@link #offer} started (the viewer process of a dropped console). */
  void withdraw();

  /** True while a started viewer program still runs (always true without one). */
  boolean alive();
}
