package org.porthole.guestagent.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginctlBackendTest {
  private static final String LISTING =
      "      2 1000 alice seat0 tty2\n      5 1001 bob   -     pts/0\n      7 1000 alice -   pts/1\n";

  /** Answers commands from a table and records them. */
  private static final class ScriptedRunner implements ProcessRunner {
    final List<List<String>> calls = new ArrayList<>();
    final Map<String, Result> answers;

    ScriptedRunner(Map<String, Result> answers) {
      this.answers = answers;
    }

    @Override
    public Result run(List<String> command, Duration timeout) throws IOException {
      calls.add(command);
      Result r = answers.get(String.join(" ", command));
      if (r == null) {
        throw new IOException("not scripted");
      }
      return r;
    }
  }

  private static ProcessRunner.Result ok(String out) {
    return new ProcessRunner.Result(0, out);
  }

  @Test
  void listsUsersOnceEach() throws DesktopException {
    ScriptedRunner runner =
        new ScriptedRunner(Map.of("loginctl list-sessions --no-legend", ok(LISTING)));
    assertEquals(
        List.of("alice", "bob"), new LoginctlBackend(runner, Duration.ofSeconds(1)).users());
  }

  @Test
  void lockedOnlyWhenEverySessionHintsLocked() throws DesktopException {
    ScriptedRunner allLocked =
        new ScriptedRunner(
            Map.of(
                "loginctl list-sessions --no-legend", ok(LISTING),
                "loginctl show-session 2 -p LockedHint --value", ok("yes\n"),
                "loginctl show-session 5 -p LockedHint --value", ok("yes\n"),
                "loginctl show-session 7 -p LockedHint --value", ok("yes\n")));
    assertEquals(
        SessionState.LOCKED, new LoginctlBackend(allLocked, Duration.ofSeconds(1)).state());
    ScriptedRunner oneOpen =
        new ScriptedRunner(
            Map.of(
                "loginctl list-sessions --no-legend", ok(LISTING),
                "loginctl show-session 2 -p LockedHint --value", ok("yes\n"),
                "loginctl show-session 5 -p LockedHint --value", ok("no\n")));
    assertEquals(
        SessionState.UNLOCKED, new LoginctlBackend(oneOpen, Duration.ofSeconds(1)).state());
    ScriptedRunner none = new ScriptedRunner(Map.of("loginctl list-sessions --no-legend", ok("")));
    assertEquals(SessionState.LOGGED_OFF, new LoginctlBackend(none, Duration.ofSeconds(1)).state());
  }

  @Test
  void runsTheToolsWithArgumentListsNotAShell() throws DesktopException {
    ScriptedRunner runner =
        new ScriptedRunner(
            Map.of(
                "loginctl lock-sessions", ok(""),
                "loginctl list-sessions --no-legend", ok(LISTING),
                "loginctl terminate-session 2", ok(""),
                "loginctl terminate-session 5", ok(""),
                "loginctl terminate-session 7", ok(""),
                "systemctl poweroff --message=bye; rm -rf /", ok(""),
                "systemctl reboot", ok("")));
    LoginctlBackend backend = new LoginctlBackend(runner, Duration.ofSeconds(1));
    backend.lock();
    backend.logOff();
    backend.powerOff("bye; rm -rf /");
    backend.reboot("");
    assertEquals(List.of("systemctl", "poweroff", "--message=bye; rm -rf /"), runner.calls.get(5));
    assertEquals(List.of("systemctl", "reboot"), runner.calls.get(6));
    assertEquals(7, runner.calls.size());
  }

  @Test
  void failingOrHangingToolsBecomeDesktopExceptions() {
    ScriptedRunner failing =
        new ScriptedRunner(Map.of("loginctl lock-sessions", new ProcessRunner.Result(1, "")));
    assertThrows(
        DesktopException.class, () -> new LoginctlBackend(failing, Duration.ofSeconds(1)).lock());
    ScriptedRunner hanging = new ScriptedRunner(Map.of());
    assertThrows(
        DesktopException.class, () -> new LoginctlBackend(hanging, Duration.ofSeconds(1)).lock());
  }

  @Test
  void systemRunnerKillsAToolThatOutlivesItsTimeout() throws IOException {
    long start = System.nanoTime();
    assertThrows(
        IOException.class,
        () -> ProcessRunner.system().run(List.of("sleep", "10"), Duration.ofMillis(300)));
    assertEquals(true, System.nanoTime() - start < 5_000_000_000L);
    assertEquals(
        new ProcessRunner.Result(0, "a b\n"),
        ProcessRunner.system().run(List.of("echo", "a b"), Duration.ofSeconds(5)));
  }
}
