package org.porthole.hostagent.bench;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.porthole.config.Settings;
import org.porthole.hostagent.AgentLogging;
import org.porthole.hostagent.HostAgent;

/**
 * The host agent over {@link BenchmarkBackend}, for the relay benchmark ({@code ./porthole bench}):
 * the agent's own gRPC server, token checks and relay, with consoles going to the benchmark's
 * backend. Configured like the agent, plus {@value BenchmarkBackend#CONSOLE_BACKEND}; {@code
 * porthole.kafka.bootstrap=none} turns events off. Runs from {@code porthole-host-agent-bench.jar}
 * next to the agent's jar, never from the agent's jar alone.
 */
public final class BenchmarkAgent {
  private static final int EXIT_START_FAILED = 1;
  private static final String ADMIN_PORT = "porthole.agent.admin-port";

  private BenchmarkAgent() {}

  public static void main(String[] args) throws InterruptedException {
    AgentLogging.configure();
    Logger log = Logger.getLogger(BenchmarkAgent.class.getName());
    HostAgent agent;
    // The benchmark runs one agent per backend mode: unless told, each takes any free admin port.
    if (Settings.fromEnvironment().find(ADMIN_PORT).isEmpty()) {
      System.setProperty(ADMIN_PORT, "0");
    }
    try {
      Settings settings = Settings.fromEnvironment();
      BenchmarkBackend backend = BenchmarkBackend.from(settings);
      agent = HostAgent.start(settings, backend);
      log.log(
          Level.WARNING,
          "BENCHMARK AGENT: no libvirt, every console with a valid token is relayed to {0}",
          backend.address());
    } catch (Exception e) {
      log.log(Level.SEVERE, "benchmark agent cannot start: " + e.getMessage(), e);
      System.exit(EXIT_START_FAILED);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "host-agent-shutdown"));
    agent.awaitTermination();
  }
}
