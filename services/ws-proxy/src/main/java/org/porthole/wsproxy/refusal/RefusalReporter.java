package org.porthole.wsproxy.refusal;

/**
 * Where the proxy reports the consoles it refused, so refusals can reach the engine's audit
 * (ConsoleRefusal events on {@code porthole.refusals.v1}). Implementations are called on event
 * loops: they must not block, must fold bursts themselves (a flood of refused connections is
 * exactly what they report), and must never see a token.
 */
@FunctionalInterface
public interface RefusalReporter {

  /** Reports nothing: for tests and for a proxy without an event bus. */
  RefusalReporter NONE = refusal -> {};

  /** Called once per refused connection, on its event loop. */
  void refused(Refusal refusal);
}
