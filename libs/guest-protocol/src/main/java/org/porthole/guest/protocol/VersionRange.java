package org.porthole.guest.protocol;

import java.util.OptionalInt;

/**
 * The protocol versions one peer speaks, {@code min..max} inclusive. Both peers announce theirs in
 * {@code hello}; the channel then uses the highest version in both ranges, so a newer peer steps
 * down to an older one and vice versa; with no overlap there is no channel.
 */
public record VersionRange(int min, int max) {
  /** Highest version number a hello may carry. */
  public static final int MAX_VERSION = 65535;

  /** What this library implements. */
  public static final VersionRange V1 = new VersionRange(1, 1);

  /** Checks {@code 0 <= min <= max <= MAX_VERSION}. */
  public VersionRange {
    if (min < 0 || max > MAX_VERSION || min > max) {
      throw new IllegalArgumentException(
          "version range must satisfy 0 <= min <= max <= " + MAX_VERSION);
    }
  }

  /** The highest version both ranges contain, or empty when they do not overlap. */
  public OptionalInt negotiate(VersionRange peer) {
    int low = Math.max(min, peer.min);
    int high = Math.min(max, peer.max);
    return low <= high ? OptionalInt.of(high) : OptionalInt.empty();
  }

  @Override
  public String toString() {
    return min + ".." + max;
  }
}
