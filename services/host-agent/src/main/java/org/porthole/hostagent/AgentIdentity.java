package org.porthole.hostagent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Who this agent process is: its host id (the gRPC authority named in console tokens), the random
 * boot id that tells the engine about restarts, and when it started (tokens issued before that are
 * refused, which closes the replay-after-restart hole of an in-memory replay guard).
 */
public record AgentIdentity(
    String hostId, String hostname, String agentVersion, String bootId, Instant startedAt) {

  /** The API packages this agent serves. */
  public static final List<String> API_VERSIONS = List.of("porthole.hostagent.v1");

  /** Seconds without a heartbeat after which the engine treats this host as gone. */
  public static final int HEARTBEAT_TIMEOUT_SECONDS = 15;

  /** Identity for a process starting now. */
  public static AgentIdentity forThisProcess(String hostId, Instant now) {
    return new AgentIdentity(hostId, localHostname(), version(), UUID.randomUUID().toString(), now);
  }

  private static String version() {
    String v = AgentIdentity.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
