package org.porthole.hostagent.sso;

import java.time.Duration;

/**
 * The bounds of the host's SSO streams (docs/sso-protocol.md, "Transport"): none of them can hang,
 * and none can move more than an exchange needs.
 *
 * @param maxStreams SSO streams open or opening on this host at once (the host's console cap)
 * @param openTimeout from the call to its {@code open} frame
 * @param beginTimeout from {@code sso-begin} sent to the guest's reply
 * @param firstByteTimeout from the guest's reply to its first byte on the SSO port
 * @param exchangeTimeout the whole stream from {@code sso-begin}: the guest's 30 s and a margin
 * @param outcomeGrace after the guest's {@code sso} event, for its last bytes to drain
 * @param maxBytesPerDirection bytes either way over the whole stream
 * @param maxFrameBytes the largest data frame a client may send
 */
public record SsoLimits(
    int maxStreams,
    Duration openTimeout,
    Duration beginTimeout,
    Duration firstByteTimeout,
    Duration exchangeTimeout,
    Duration outcomeGrace,
    long maxBytesPerDirection,
    int maxFrameBytes) {

  /** 16 client messages of at most one 64 KiB line each. */
  public static final long MAX_BYTES_PER_DIRECTION = 1024 * 1024;

  /** The largest data frame (docs/contracts.md), one SSO line. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;

  /** The limits of docs/sso-protocol.md with {@code maxStreams} streams per host. */
  public static SsoLimits defaults(int maxStreams) {
    return new SsoLimits(
        maxStreams,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(35),
        Duration.ofSeconds(2),
        MAX_BYTES_PER_DIRECTION,
        MAX_FRAME_BYTES);
  }
}
