package org.porthole.hostagent.sso;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.porthole.hostagent.relay.BackendLoops;
import org.porthole.status.PortholeStatus;

/**
 * The deadlines of one SSO stream (the time limits of {@link SsoLimits}), on the stream's loop:
 * each one that passes ends the stream with its status and a reason naming the limit.
 */
final class SsoDeadlines {
  private final EventLoop loop;
  private final SsoLimits limits;
  private final BiConsumer<PortholeStatus, String> end;
  private volatile Future<?> phase;
  private volatile Future<?> firstByte;

  SsoDeadlines(EventLoop loop, SsoLimits limits, BiConsumer<PortholeStatus, String> end) {
    this.loop = loop;
    this.limits = limits;
    this.end = end;
  }

  /** From the call's start: the open frame must come in time while {@code waiting} holds. */
  void awaitOpen(BooleanSupplier waiting) {
    phase = after(limits.openTimeout(), waiting, PortholeStatus.BAD_REQUEST, "no open frame");
  }

  /** The open frame came. */
  void opened() {
    cancel(phase);
  }

  /** {@code sso-begin} goes out: the whole exchange must end in time. */
  void beginning() {
    phase =
        after(
            limits.exchangeTimeout(),
            () -> true,
            PortholeStatus.UPSTREAM_UNAVAILABLE,
            "the SSO exchange did not end");
  }

  /** The guest began: its first byte must come in time while {@code none} holds. */
  void awaitFirstByte(BooleanSupplier none) {
    firstByte =
        after(
            limits.firstByteTimeout(),
            none,
            PortholeStatus.UPSTREAM_UNAVAILABLE,
            "the guest sent nothing on its SSO port");
  }

  /** A byte came from the guest. */
  void firstByteCame() {
    cancel(firstByte);
  }

  /** Runs {@code task} on the loop after {@code delay}. */
  void later(Duration delay, Runnable task) {
    BackendLoops.schedule(loop, task, delay.toMillis());
  }

  void cancelAll() {
    cancel(phase);
    cancel(firstByte);
  }

  private Future<?> after(Duration d, BooleanSupplier still, PortholeStatus status, String what) {
    return BackendLoops.schedule(
        loop,
        () -> {
          if (still.getAsBoolean()) {
            end.accept(status, what + " within " + d.toMillis() + " ms");
          }
        },
        d.toMillis());
  }

  private static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
