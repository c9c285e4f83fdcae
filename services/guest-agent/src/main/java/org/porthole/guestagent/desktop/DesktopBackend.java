package org.porthole.guestagent.desktop;

import java.util.List;

/**
 * What the guest agent asks of the desktop and the init system. The commands stay the same whether
 * a real logind session is locked ({@link LoginctlBackend}) or a test image only prints the new
 * state on its console ({@link ConsoleTestBackend}). Implementations are called from the agent's
 * one command thread.
 */
public interface DesktopBackend {

  /** Locks every user session's screen. */
  void lock() throws DesktopException;

  /**
   * Unlocks the sessions of {@code user} after a single sign-on proved who is at the console
   * (docs/sso-protocol.md); the other users' sessions stay as they are.
   */
  void unlock(String user) throws DesktopException;

  /** Ends every user session. */
  void logOff() throws DesktopException;

  /** The sessions' state now: locked only when every session says so. */
  SessionState state() throws DesktopException;

  /** The names of logged-in users, without duplicates. */
  List<String> users() throws DesktopException;

  /** Powers the guest off; {@code message} (may be empty) is shown to users if the system can. */
  void powerOff(String message) throws DesktopException;

  /** Reboots the guest; {@code message} as for {@link #powerOff}. */
  void reboot(String message) throws DesktopException;
}
