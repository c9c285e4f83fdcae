package org.porthole.hostagent;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One-line java.util.logging output for the agent (Kafka's SLF4J logs arrive here too through
 * slf4j-jdk14). Kafka's client chatter is kept at WARNING, its per-second connection failures off;
 * the agent logs once when Kafka is unreachable.
 */
public final class AgentLogging {
  private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
  private static final String MANAGER_PROPERTY = "java.util.logging.manager";
  private static final String ONE_LINE = "%1$tF %1$tT.%1$tL %4$-7s %3$s - %5$s%6$s%n";
  // Held strongly: java.util.logging keeps loggers weakly and would forget the level.
  private static Logger kafka;
  private static Logger kafkaNetwork;

  private AgentLogging() {}

  /** Must run before the first log line; a format set by the operator wins. */
  public static synchronized void configure() {
    if (System.getProperty(FORMAT_PROPERTY) == null) {
      System.setProperty(FORMAT_PROPERTY, ONE_LINE);
    }
    if (System.getProperty(MANAGER_PROPERTY) == null) {
      System.setProperty(MANAGER_PROPERTY, AgentLogManager.class.getName());
    }
    kafka = Logger.getLogger("org.apache.kafka");
    kafka.setLevel(Level.WARNING);
    // The agent says once when Kafka is unreachable; the client would say so every second.
    kafkaNetwork = Logger.getLogger("org.apache.kafka.clients.NetworkClient");
    kafkaNetwork.setLevel(Level.SEVERE);
  }
}
