package org.porthole.hostagent.guest;

import java.time.Duration;

/**
 * The guest channel's clocks: the protocol's heartbeat interval and missed-beat count, how long a
 * command may wait for its reply, and the reconnect back-off. Production uses {@link #DEFAULT};
 * tests shrink them.
 *
 * @param heartbeat the guest's heartbeat interval (protocol v1: 5 s)
 * @param missedBeats heartbeat intervals without any message before a guest is unresponsive
 * @param commandTimeout how long a command waits for its reply; longer than the guest agent's own
 *     10 s tool timeout so a slow {@code loginctl} still gets its reply through
 * @param reconnectMin first pause before reconnecting a lost socket
 * @param reconnectMax longest pause (the back-off doubles up to it)
 */
public record GuestTimings(
    Duration heartbeat,
    int missedBeats,
    Duration commandTimeout,
    Duration reconnectMin,
    Duration reconnectMax) {
  public static final GuestTimings DEFAULT =
      new GuestTimings(
          Duration.ofSeconds(5),
          3,
          Duration.ofSeconds(15),
          Duration.ofMillis(500),
          Duration.ofSeconds(30));

  /** The silence after which a guest is unresponsive. */
  public Duration unresponsiveAfter() {
    return heartbeat.multipliedBy(missedBeats);
  }
}
