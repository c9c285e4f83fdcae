package org.porthole.guestagent;

import java.time.Duration;
import org.porthole.config.Settings;
import org.porthole.guestagent.desktop.ConsoleLines;
import org.porthole.guestagent.desktop.ConsoleTestBackend;
import org.porthole.guestagent.desktop.DesktopBackend;
import org.porthole.guestagent.desktop.DesktopException;
import org.porthole.guestagent.desktop.LoginctlBackend;
import org.porthole.guestagent.desktop.ProcessRunner;
import org.porthole.guestagent.sso.CcacheProbe;
import org.porthole.guestagent.sso.LocalUsers;
import org.porthole.guestagent.sso.SsoProbe;

/**
 * Entry point: reads the configuration, picks the desktop backend, runs the agent until SIGTERM.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws DesktopException {
    GuestAgentConfig config = GuestAgentConfig.from(Settings.fromEnvironment());
    ConsoleLines console = new ConsoleLines(config.consoleFile());
    GuestAgent agent = new GuestAgent(config, backend(config, console), probe(config, console));
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "guest-shutdown"));
    agent.run();
  }

  static DesktopBackend backend(GuestAgentConfig config) throws DesktopException {
    return backend(config, new ConsoleLines(config.consoleFile()));
  }

  private static DesktopBackend backend(GuestAgentConfig config, ConsoleLines console)
      throws DesktopException {
    if (config.backend().equals(GuestAgentConfig.BACKEND_CONSOLE_TEST)) {
      return new ConsoleTestBackend(console, config.testUsers());
    }
    Duration timeout = config.commandTimeout();
    return new LoginctlBackend(ProcessRunner.system(), timeout);
  }

  /** The test image's probe when configured (console-test only), else none. */
  static SsoProbe probe(GuestAgentConfig config, ConsoleLines console) {
    if (!config.testProbe()) {
      return SsoProbe.NONE;
    }
    return new CcacheProbe(
        console,
        new LocalUsers(config.passwdFile()),
        config.ccacheDir(),
        ProcessRunner.system(),
        config.commandTimeout());
  }
}
