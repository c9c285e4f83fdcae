package org.porthole.hostagent;

import java.util.logging.LogManager;

/**
 * A LogManager that keeps logging during JVM shutdown. The JDK's own shutdown hook resets logging,
 * racing the agent's hook, whose "stopping" and GOODBYE lines would then be lost. Only that reset
 * is skipped; every other reset behaves as usual.
 */
public final class AgentLogManager extends LogManager {
  private static final String JDK_CLEANER = "java.util.logging.LogManager$Cleaner";

  @Override
  public void reset() {
    if (JDK_CLEANER.equals(Thread.currentThread().getClass().getName())) {
      return;
    }
    super.reset();
  }
}
