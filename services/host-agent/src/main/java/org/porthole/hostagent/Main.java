package org.porthole.hostagent;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.config.Settings;

/** Starts the host agent: {@code java -jar porthole-host-agent.jar}. Configuration: README. */
public final class Main {
  private static final int EXIT_START_FAILED = 1;

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    AgentLogging.configure();
    Logger log = Logger.getLogger(Main.class.getName());
    HostAgent agent;
    try {
      agent = HostAgent.start(Settings.fromEnvironment());
    } catch (Exception e) {
      log.log(Level.SEVERE, "host agent cannot start: " + e.getMessage(), e);
      System.exit(EXIT_START_FAILED);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "host-agent-shutdown"));
    agent.awaitTermination();
  }
}
