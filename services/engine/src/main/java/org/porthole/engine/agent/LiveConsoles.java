package org.porthole.engine.agent;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.porthole.api.hostagent.v1.ListConsolesResponse;
import org.porthole.api.hostagent.v1.LiveConsole;

/**
 * The consoles a host agent relays at one moment ({@code ListConsoles}): each session id (as the
 * agent reports it, unchecked) with its VM id, and when that agent process started (a restart lost
 * every relay).
 */
public record LiveConsoles(Map<String, String> vmBySession, Instant agentStarted) {

  static LiveConsoles of(ListConsolesResponse response) {
    return new LiveConsoles(
        response.getConsolesList().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    LiveConsole::getSessionId, LiveConsole::getVmUuid, (first, second) -> first)),
        Instant.ofEpochMilli(response.getAgentStartedEpochMs()));
  }

  /** True when the agent relays a console of {@code sessionId} now. */
  public boolean relays(String sessionId) {
    return vmBySession.containsKey(sessionId);
  }
}
