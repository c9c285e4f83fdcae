package org.porthole.guestagent;

import java.time.Duration;
import org.porthole.config.Settings;
import org.porthole.guestagent.desktop.ConsoleTestBackend;
import org.porthole.guestagent.desktop.DesktopBackend;
import org.porthole.guestagent.desktop.DesktopException;
import org.porthole.guestagent.desktop.LoginctlBackend;
import org.porthole.guestagent.desktop.ProcessRunner;

/**
 * Entry point: reads the configuration, picks the desktop backend, runs the agent until SIGTERM.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws DesktopException {
    GuestAgentConfig config = GuestAgentConfig.from(Settings.fromEnvironment());
    GuestAgent agent = new GuestAgent(config, backend(config));
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "guest-shutdown"));
    agent.run();
  }

  static DesktopBackend backend(GuestAgentConfig config) throws DesktopException {
    if (config.backend().equals(GuestAgentConfig.BACKEND_CONSOLE_TEST)) {
      return new ConsoleTestBackend(config.consoleFile(), config.testUsers());
    }
    Duration timeout = config.commandTimeout();
    return new LoginctlBackend(ProcessRunner.system(), timeout);
  }
}
