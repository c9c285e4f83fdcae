package org.porthole.guestagent.desktop;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Linux backend: systemd-logind through {@code loginctl} for sessions and locking, {@code
 * systemctl} for power. Lock state is logind's {@code LockedHint}, which the desktop's screen
 * locker sets; a session without a locker never reports locked, so the guest never claims a lock it
 * does not have.
 */
public final class LoginctlBackend implements DesktopBackend {
  private static final String LOGINCTL = "loginctl";
  private static final String SYSTEMCTL = "systemctl";

  private final ProcessRunner runner;
  private final Duration timeout;

  public LoginctlBackend(ProcessRunner runner, Duration timeout) {
    this.runner = runner;
    this.timeout = timeout;
  }

  @Override
  public void lock() throws DesktopException {
    run(List.of(LOGINCTL, "lock-sessions"));
  }

  @Override
  public void unlock(String user) throws DesktopException {
    int unlocked = 0;
    for (Session s : sessions()) {
      if (s.user().equals(user)) {
        run(List.of(LOGINCTL, "unlock-session", s.id()));
        unlocked++;
      }
    }
    if (unlocked == 0) {
      throw new DesktopException("no session of " + user + " to unlock");
    }
  }

  @Override
  public void logOff() throws DesktopException {
    for (Session s : sessions()) {
      run(List.of(LOGINCTL, "terminate-session", s.id()));
    }
  }

  @Override
  public SessionState state() throws DesktopException {
    List<Session> sessions = sessions();
    if (sessions.isEmpty()) {
      return SessionState.LOGGED_OFF;
    }
    for (Session s : sessions) {
      String hint =
          run(List.of(LOGINCTL, "show-session", s.id(), "-p", "LockedHint", "--value")).trim();
      if (!hint.equals("yes")) {
        return SessionState.UNLOCKED;
      }
    }
    return SessionState.LOCKED;
  }

  @Override
  public List<String> users() throws DesktopException {
    Set<String> users = new LinkedHashSet<>();
    for (Session s : sessions()) {
      users.add(s.user());
    }
    return List.copyOf(users);
  }

  @Override
  public void powerOff(String message) throws DesktopException {
    run(power("poweroff", message));
  }

  @Override
  public void reboot(String message) throws DesktopException {
    run(power("reboot", message));
  }

  private static List<String> power(String verb, String message) {
    List<String> command = new ArrayList<>(List.of(SYSTEMCTL, verb));
    if (!message.isBlank()) {
      command.add("--message=" + message);
    }
    return command;
  }

  /** One line of {@code loginctl list-sessions --no-legend}: session id, uid, user, .... */
  record Session(String id, String user) {}

  List<Session> sessions() throws DesktopException {
    String out = run(List.of(LOGINCTL, "list-sessions", "--no-legend"));
    return parseSessions(out);
  }

  static List<Session> parseSessions(String listing) {
    List<Session> sessions = new ArrayList<>();
    for (String line : listing.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 3 && fields[0].matches("[A-Za-z0-9_-]+") && fields[1].matches("\\d+")) {
        sessions.add(new Session(fields[0], fields[2]));
      }
    }
    return sessions;
  }

  private String run(List<String> command) throws DesktopException {
    ProcessRunner.Result result;
    try {
      result = runner.run(command, timeout);
    } catch (IOException e) {
      throw new DesktopException(
          String.join(" ", command.subList(0, Math.min(2, command.size()))) + ": " + e.getMessage(),
          e);
    }
    if (result.exitCode() != 0) {
      throw new DesktopException(
          command.get(0) + " " + command.get(1) + " exited with " + result.exitCode());
    }
    return result.stdout();
  }
}
