package org.porthole.guestagent.desktop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The test guest image's backend: keeps the session state in memory and writes each change as a
 * {@code PORTHOLE-GUEST: <state>} line to a file (the VGA console {@code /dev/tty0} in the image),
 * so an end-to-end test can see the lock on the console it is watching. Power actions only print a
 * line: the test image is stopped by libvirt, not by itself.
 */
public final class ConsoleTestBackend implements DesktopBackend {
  /** The prefix of every line this backend writes. */
  public static final String PREFIX = ConsoleLines.PREFIX;

  private final ConsoleLines console;
  private final List<String> users;
  private SessionState state = SessionState.UNLOCKED;

  /**
   * A backend that starts unlocked with {@code users} logged in, and says so on {@code console}.
   */
  public ConsoleTestBackend(Path console, List<String> users) throws DesktopException {
    this(new ConsoleLines(console), users);
  }

  /** Like {@link #ConsoleTestBackend(Path, List)}, writing to {@code console}. */
  public ConsoleTestBackend(ConsoleLines console, List<String> users) throws DesktopException {
    this.console = console;
    this.users = List.copyOf(users);
    print(state.wire());
  }

  @Override
  public synchronized void lock() throws DesktopException {
    if (state == SessionState.LOGGED_OFF) {
      return;
    }
    state = SessionState.LOCKED;
    print(state.wire());
  }

  /** Prints {@code unlocked-by <user>}, so a test sees who was signed in. */
  @Override
  public synchronized void unlock(String user) throws DesktopException {
    if (!users.contains(user)) {
      throw new DesktopException(user + " has no session here");
    }
    state = SessionState.UNLOCKED;
    print("unlocked-by " + user);
  }

  @Override
  public synchronized void logOff() throws DesktopException {
    state = SessionState.LOGGED_OFF;
    print(state.wire());
  }

  @Override
  public synchronized SessionState state() {
    return state;
  }

  @Override
  public synchronized List<String> users() {
    return state == SessionState.LOGGED_OFF ? List.of() : users;
  }

  @Override
  public void powerOff(String message) throws DesktopException {
    print("poweroff");
  }

  @Override
  public void reboot(String message) throws DesktopException {
    print("reboot");
  }

  private void print(String word) throws DesktopException {
    try {
      console.print(word);
    } catch (IOException e) {
      throw new DesktopException("cannot write the console line: " + e.getMessage(), e);
    }
  }
}
