package org.porthole.admin.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.status.PortholeStatus;

/**
 * The console series the ws-proxy and the host agent both count (docs/plans/issue-13-cluster.md
 * §2): consoles open by mode and channel, bytes relayed each way, consoles ended and relay errors
 * by status, token verifications by result. Thread-safe; counting a relayed chunk allocates
 * nothing.
 *
 * <p>Every end of a console whose token had passed is counted in {@value #CONSOLES_ENDED}; only the
 * ends that are faults also count in {@value #RELAY_ERRORS}, which operators alert on. A console
 * closed by its user ({@code CLOSED}), taken over by another user ({@code CONFLICT}) or ended
 * because its access was revoked or an administrator closed it ({@code FORBIDDEN}) ended as
 * ordered, not on an error.
 */
public final class ConsoleMeters {
  public static final String CONSOLES_OPEN = "porthole.consoles.open";
  public static final String RELAY_BYTES = "porthole.relay.bytes";
  public static final String RELAY_ERRORS = "porthole.relay.errors";
  public static final String CONSOLES_ENDED = "porthole.consoles.ended";

  private static final Set<PortholeStatus> ORDERED_ENDS =
      EnumSet.of(PortholeStatus.CLOSED, PortholeStatus.CONFLICT, PortholeStatus.FORBIDDEN);
  public static final String TOKEN_VERIFICATIONS = "porthole.token.verifications";

  /** The {@code result} of a verification that passed. */
  public static final String RESULT_OK = "ok";

  /** How a console was opened. */
  public enum Mode {
    INTERACTIVE,
    VIEW
  }

  /** What a console carries. */
  public enum Channel {
    VNC,
    SSO
  }

  /** Which way relayed bytes went. */
  public enum Direction {
    TO_VM,
    TO_CLIENT
  }

  private final MeterRegistry registry;
  private final AtomicInteger[][] open = new AtomicInteger[Mode.values().length][];
  private final Counter[] bytes = new Counter[Direction.values().length];
  private final Counter verifiedOk;
  private final Map<PortholeStatus, Counter> errors = new ConcurrentHashMap<>();
  private final Map<PortholeStatus, Counter> ends = new ConcurrentHashMap<>();
  private final Map<PortholeStatus, Counter> refusals = new ConcurrentHashMap<>();

  /** Registers the series on {@code registry}, each at 0. */
  public ConsoleMeters(MeterRegistry registry) {
    this.registry = registry;
    for (Mode mode : Mode.values()) {
      open[mode.ordinal()] = new AtomicInteger[Channel.values().length];
      for (Channel channel : Channel.values()) {
        AtomicInteger n = new AtomicInteger();
        open[mode.ordinal()][channel.ordinal()] = n;
        Gauge.builder(CONSOLES_OPEN, n, AtomicInteger::get)
            .strongReference(true)
            .description("Consoles relayed now")
            .tag("mode", label(mode))
            .tag("channel", label(channel))
            .register(registry);
      }
    }
    for (Direction direction : Direction.values()) {
      bytes[direction.ordinal()] =
          Counter.builder(RELAY_BYTES)
              .description("Console bytes relayed")
              .tag("direction", label(direction))
              .register(registry);
    }
    verifiedOk = verifications(RESULT_OK);
  }

  /** Meters on a registry nobody reads: for tests and callers that do not export. */
  public static ConsoleMeters unexported() {
    return new ConsoleMeters(new SimpleMeterRegistry());
  }

  /** Counts a console as open until the returned handle is closed (closing twice counts once). */
  public OpenConsole opened(Mode mode, Channel channel) {
    AtomicInteger n = open[mode.ordinal()][channel.ordinal()];
    n.incrementAndGet();
    return new OpenConsole(n);
  }

  /** Consoles of {@code mode} and {@code channel} open now (tests, diagnostics). */
  public int openNow(Mode mode, Channel channel) {
    return open[mode.ordinal()][channel.ordinal()].get();
  }

  /** The counter of bytes relayed {@code direction}: keep it and add each chunk's size. */
  public Counter bytes(Direction direction) {
    return bytes[direction.ordinal()];
  }

  /**
   * Counts the end of a console whose token had passed, with the status its client was told; a
   * fault also counts as a relay error.
   */
  public void ended(PortholeStatus status) {
    counter(ends, status, CONSOLES_ENDED, "Consoles ended after their token passed, by status")
        .increment();
    if (!ORDERED_ENDS.contains(status)) {
      counter(errors, status, RELAY_ERRORS, "Consoles ended by a fault, by status").increment();
    }
  }

  private Counter counter(
      Map<PortholeStatus, Counter> byStatus, PortholeStatus status, String name, String what) {
    return byStatus.computeIfAbsent(
        status,
        s -> Counter.builder(name).description(what).tag("status", s.name()).register(registry));
  }

  /** Counts a console token that verified. */
  public void tokenAccepted() {
    verifiedOk.increment();
  }

  /** Counts a console token refused with {@code status}. */
  public void tokenRefused(PortholeStatus status) {
    refusals.computeIfAbsent(status, s -> verifications(s.name())).increment();
  }

  private Counter verifications(String result) {
    return Counter.builder(TOKEN_VERIFICATIONS)
        .description("Console token verifications, by result")
        .tag("result", result)
        .register(registry);
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** One open console in the gauge. */
  public static final class OpenConsole implements AutoCloseable {
    private final AtomicInteger gauge;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OpenConsole(AtomicInteger gauge) {
      this.gauge = gauge;
    }

    /** No longer counted as open. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        gauge.decrementAndGet();
      }
    }
  }
}
