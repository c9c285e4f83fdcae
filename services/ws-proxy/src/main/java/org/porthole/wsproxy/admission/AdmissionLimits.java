package org.porthole.wsproxy.admission;

import java.time.Duration;
import org.porthole.config.Settings;

/**
 * How many connections that have not yet authenticated (no verified token) the proxy holds, per
 * client address and in total, and how long each may take to authenticate. These connections cost
 * the proxy a socket and a few handlers but nothing upstream (no agent stream is opened before the
 * token is verified); the caps keep a flood of them from exhausting sockets and memory.
 *
 * @param perAddress unauthenticated connections one client address may hold (an IPv6 client's whole
 *     /64 counts as one address)
 * @param total unauthenticated connections the proxy holds at once
 * @param deadline time from accept to a verified token (TLS, upgrade, token, verification)
 */
public record AdmissionLimits(int perAddress, int total, Duration deadline) {

  public static final String KEY_PER_ADDRESS = "porthole.proxy.unauthenticated-per-address";
  public static final String KEY_TOTAL = "porthole.proxy.unauthenticated-total";
  public static final String KEY_DEADLINE_SECONDS = "porthole.proxy.auth-deadline-seconds";

  static final int DEFAULT_PER_ADDRESS = 32;
  static final int DEFAULT_TOTAL = 1024;
  static final long DEFAULT_DEADLINE_SECONDS = 10;

  /** The documented defaults. */
  public static final AdmissionLimits DEFAULTS =
      new AdmissionLimits(
          DEFAULT_PER_ADDRESS, DEFAULT_TOTAL, Duration.ofSeconds(DEFAULT_DEADLINE_SECONDS));

  public AdmissionLimits {
    if (perAddress < 1 || total < 1 || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException(
          "limits must be positive: " + perAddress + ", " + total + ", " + deadline);
    }
  }

  /** Reads the three keys with their defaults; a bad value names its key. */
  public static AdmissionLimits from(Settings s) {
    return new AdmissionLimits(
        s.getInt(KEY_PER_ADDRESS, DEFAULT_PER_ADDRESS, 1, 1_000_000),
        s.getInt(KEY_TOTAL, DEFAULT_TOTAL, 1, 1_000_000),
        s.getSeconds(KEY_DEADLINE_SECONDS, DEFAULT_DEADLINE_SECONDS, 1, 300));
  }
}
