package org.porthole.engine.events;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Counts the events the engine refused to apply because they did not come from the host that owns
 * what they name (a host agent publishing about another host's VM or session, or under another
 * host's id), and warns about them at most once per {@link #WARN_EVERY_MILLIS} with the counts so
 * far: a flood of forgeries cannot flood the log.
 */
@ApplicationScoped
public class IgnoredEvents {

  /** Why an event was ignored (a metric label and a log word). */
  public enum Reason {
    /** The event's host id is not the host whose topic carried it. */
    HOST_ID_NOT_THE_TOPICS,
    /** It names a VM the engine knows on another host. */
    VM_OF_ANOTHER_HOST,
    /** It names a console session of another host. */
    SESSION_OF_ANOTHER_HOST,
    /** A topic the engine does not read events from. */
    UNKNOWN_TOPIC
  }

  static final long WARN_EVERY_MILLIS = 10_000;
  private static final Logger LOG = Logger.getLogger(IgnoredEvents.class);

  private final Map<Reason, LongAdder> counts = new ConcurrentHashMap<>();
  private final AtomicLong lastWarn = new AtomicLong(Long.MIN_VALUE / 2);

  /** Counts one ignored event; {@code topic} and {@code claimedHost} are for the log only. */
  public void ignored(Reason reason, String topic, String claimedHost) {
    counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
    long now = System.currentTimeMillis();
    long last = lastWarn.get();
    if (now - last >= WARN_EVERY_MILLIS && lastWarn.compareAndSet(last, now)) {
      LOG.warnf(
          "ignored an event on %s naming host %s: %s (ignored so far: %s)",
          topic, printable(claimedHost), reason, snapshot());
    } else {
      LOG.debugf("ignored an event on %s: %s", topic, reason);
    }
  }

  /** Events ignored for {@code reason} since start. */
  public long count(Reason reason) {
    LongAdder n = counts.get(reason);
    return n == null ? 0 : n.sum();
  }

  /** Events ignored since start, whatever the reason. */
  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private Map<Reason, Long> snapshot() {
    Map<Reason, Long> copy = new java.util.EnumMap<>(Reason.class);
    counts.forEach((reason, n) -> copy.put(reason, n.sum()));
    return copy;
  }

  private static String printable(String text) {
    String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
    return cut.replaceAll("[^\\x20-\\x7e…]", "?");
  }
}
