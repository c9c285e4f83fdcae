package org.porthole.wsproxy.admission;

import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.porthole.status.PortholeStatus;

/**
 * Counts the connections that have not yet authenticated, per client address and in total, and
 * admits a new one only below both caps of {@link AdmissionLimits}. Invariant: every admitted
 * connection holds exactly one {@link Slot} until it authenticates or closes, so {@link #held()}
 * never exceeds the total cap and no address ever holds more than its cap.
 *
 * <p>Thread-safe: connections are admitted and released on every event loop.
 */
public final class UnauthenticatedConnections {

  /** At most one warning about refusals per this many nanoseconds. */
  private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final int IPV6_PREFIX_BYTES = 8;
  private static final System.Logger LOG =
      System.getLogger(UnauthenticatedConnections.class.getName());

  private final AdmissionLimits limits;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong refusedSinceWarning = new AtomicLong();
  private final AtomicLong nextWarningNanos = new AtomicLong(System.nanoTime());

  public UnauthenticatedConnections(AdmissionLimits limits) {
    this.limits = limits;
  }

  /** The caps and the deadline. */
  public AdmissionLimits limits() {
    return limits;
  }

  /** Admits a connection from {@code remote} below both caps, or says which cap refuses it. */
  public Admission admit(SocketAddress remote) {
    if (total.incrementAndGet() > limits.total()) {
      total.decrementAndGet();
      return refuse(
          PortholeStatus.OVERLOADED, "too many unauthenticated connections; retry shortly");
    }
    String key = addressKey(remote);
    boolean[] full = new boolean[1];
    perAddress.compute(
        key,
        (k, held) -> {
          int now = held == null ? 0 : held;
          if (now >= limits.perAddress()) {
            full[0] = true;
            return held;
          }
          return now + 1;
        });
    if (full[0]) {
      total.decrementAndGet();
      return refuse(
          PortholeStatus.TOO_MANY_REQUESTS,
          "too many unauthenticated connections from this address; retry shortly");
    }
    return new Admission(new Slot(key), null, null);
  }

  /** Unauthenticated connections held now. */
  public int held() {
    return total.get();
  }

  /** Connections refused by either cap since start. */
  public long refusedCount() {
    return refused.get();
  }

  private Admission refuse(PortholeStatus status, String reason) {
    refused.incrementAndGet();
    long since = refusedSinceWarning.incrementAndGet();
    long now = System.nanoTime();
    long next = nextWarningNanos.get();
    if (now - next >= 0 && nextWarningNanos.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
      refusedSinceWarning.addAndGet(-since);
      LOG.log(
          Level.WARNING,
          "refused {0} unauthenticated connection(s) in the last minute (caps: {1} per "
              + "address, {2} in total)",
          since,
          limits.perAddress(),
          limits.total());
    }
    return new Admission(null, status, reason);
  }

  private void release(String key) {
    perAddress.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
    total.decrementAndGet();
  }

  /** The client's IPv4 address, its IPv6 /64 prefix, or the address text for anything else. */
  static String addressKey(SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress)
        || ((InetSocketAddress) remote).getAddress() == null) {
      return String.valueOf(remote);
    }
    InetAddress address = ((InetSocketAddress) remote).getAddress();
    if (address instanceof Inet6Address) {
      return "v6/64:" + Arrays.toString(Arrays.copyOf(address.getAddress(), IPV6_PREFIX_BYTES));
    }
    return address.getHostAddress();
  }

  /**
   * The outcome of {@link #admit}: a slot, or the status and reason of the refusal.
   *
   * @param slot held while the connection is unauthenticated; {@code null} when refused
   * @param refusal {@link PortholeStatus#TOO_MANY_REQUESTS} (this address is at its cap) or {@link
   *     PortholeStatus#OVERLOADED} (the proxy is); {@code null} when admitted
   * @param reason a message for the client, {@code null} when admitted
   */
  public record Admission(Slot slot, PortholeStatus refusal, String reason) {
    /** True when the connection was admitted. */
    public boolean admitted() {
      return slot != null;
    }
  }

  /** One admitted connection's place under the caps; released once, by whoever comes first. */
  public final class Slot {
    private final String key;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String key) {
      this.key = key;
    }

    /** Gives the place back (the connection authenticated or closed); later calls do nothing. */
    public void release() {
      if (released.compareAndSet(false, true)) {
        UnauthenticatedConnections.this.release(key);
      }
    }
  }
}
