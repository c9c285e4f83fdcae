package org.porthole.engine.guest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a VM's guest agent last reported through its host agent. {@code locked} is true only while
 * the agent is responsive and said so: an unresponsive guest is never shown locked.
 */
public record GuestState(
    UUID vmId,
    String hostId,
    boolean channel,
    boolean connected,
    boolean responsive,
    String agentVersion,
    int protocolVersion,
    String hostname,
    String osName,
    List<String> users,
    List<String> ips,
    String session,
    boolean locked,
    Instant reportedAt) {

  public GuestState {
    users = List.copyOf(users);
    ips = List.copyOf(ips);
    locked = locked && responsive;
  }
}
