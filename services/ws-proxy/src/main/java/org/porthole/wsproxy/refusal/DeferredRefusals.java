package org.porthole.wsproxy.refusal;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A reporter that can take refusals before its real one exists, so the proxy listens before the
 * Kafka producer is built (on a loaded host that costs a cold JVM seconds, and a restarted proxy
 * should bring consoles back first). Until {@link #attach} the first {@link #HELD} refusals are
 * held and handed on in order; later ones only counted, and their number reported as one refusal
 * when the real reporter arrives, so a flood during start-up cannot grow memory.
 *
 * <p>Threading: {@link #refused} is called on event loops; it takes the lock only until attached.
 */
public final class DeferredRefusals implements RefusalReporter {

  /** Refusals held before the real reporter is attached. */
  public static final int HELD = 256;

  private final Object lock = new Object();
  private final ArrayDeque<Refusal> held = new ArrayDeque<>();
  private long overflow;
  private volatile RefusalReporter target;

  @Override
  public void refused(Refusal refusal) {
    RefusalReporter t = target;
    if (t == null) {
      synchronized (lock) {
        t = target;
        if (t == null) {
          if (held.size() < HELD) {
            held.add(refusal);
          } else {
            overflow++;
          }
          return;
        }
      }
    }
    t.refused(refusal);
  }

  /** Hands the held refusals to {@code reporter} and sends every later one straight to it. */
  public void attach(RefusalReporter reporter) {
    Objects.requireNonNull(reporter, "reporter");
    synchronized (lock) {
      if (target != null) {
        throw new IllegalStateException("already attached");
      }
      held.forEach(reporter::refused);
      if (overflow > 0) {
        Refusal last = held.peekLast();
        reporter.refused(
            new Refusal(
                last.status(),
                overflow + " more refusal(s) while the proxy started, not itemised",
                last.clientAddress()));
      }
      held.clear();
      target = reporter;
    }
  }

  /** How many refusals wait for {@link #attach}. */
  public int waiting() {
    synchronized (lock) {
      return held.size();
    }
  }
}
