package org.porthole.wsproxy.relay;

import java.time.Duration;
import java.util.Objects;
import org.porthole.config.Settings;

/**
 * HTTP/2 keep-alive on the connections to host agents: after {@code time} without a byte from the
 * agent the proxy pings it, and a ping unanswered for {@code timeout} ends the connection and every
 * console on it, so a host that died or a path that silently drops packets does not leave consoles
 * open that nobody serves. The agent permits a ping every 10 s ({@code AgentServer}), gRPC's own
 * floor for {@code time}, so {@code time} is at least 10 s.
 *
 * @param time idle time before a ping
 * @param timeout how long a ping may go unanswered
 */
public record AgentKeepAlive(Duration time, Duration timeout) {

  public static final String KEY_TIME = "porthole.proxy.agent-keepalive-seconds";
  public static final String KEY_TIMEOUT = "porthole.proxy.agent-keepalive-timeout-seconds";

  /** The agent's permitted ping interval and gRPC's minimum keep-alive time. */
  public static final Duration MIN_TIME = Duration.ofSeconds(10);

  static final long DEFAULT_TIME_SECONDS = 20;
  static final long DEFAULT_TIMEOUT_SECONDS = 10;
  private static final long MAX_SECONDS = 3600;

  public AgentKeepAlive {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(timeout, "timeout");
    if (time.compareTo(MIN_TIME) < 0 || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("keep-alive time must be >= 10 s and timeout > 0");
    }
  }

  /**
   * Reads {@link #KEY_TIME} (default 20 s, 10–3600) and {@link #KEY_TIMEOUT} (default 10 s,
   * 1–3600).
   */
  public static AgentKeepAlive from(Settings s) {
    return new AgentKeepAlive(
        s.getSeconds(KEY_TIME, DEFAULT_TIME_SECONDS, MIN_TIME.toSeconds(), MAX_SECONDS),
        s.getSeconds(KEY_TIMEOUT, DEFAULT_TIMEOUT_SECONDS, 1, MAX_SECONDS));
  }

  /** The defaults: ping after 20 s idle, give up after 10 s more. */
  public static AgentKeepAlive defaults() {
    return new AgentKeepAlive(
        Duration.ofSeconds(DEFAULT_TIME_SECONDS), Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS));
  }
}
