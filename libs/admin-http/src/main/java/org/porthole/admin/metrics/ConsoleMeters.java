package org.porthole.admin.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.porthole.status.PortholeStatus;

/**
 * The console series the ws-proxy and the host agent both count (docs/plans/issue-13-cluster.md
 * §2): consoles open by mode and channel, bytes relayed each way, relay errors and token
 * verifications by status. Thread-safe; counting a relayed chunk allocates nothing.
 */
public final class ConsoleMeters {
  public static final String CONSOLES_OPEN = "porthole.consoles.open";
  public static final String RELAY_BYTES = "porthole.relay.bytes";
  public static final String RELAY_ERRORS = "porthole.relay.errors";
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

  /** Counts a relay that ended on an error. */
  public void relayError(PortholeStatus status) {
    errors
        .computeIfAbsent(
            status,
            s ->
                Counter.builder(RELAY_ERRORS)
                    .description("Consoles ended by an error, by status")
                    .tag("status", s.name())
                    .register(registry))
        .increment();
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
