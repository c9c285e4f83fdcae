package org.porthole.hostagent.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-VM password turns: one at a time per VM, in order, others in parallel, always released. */
class PasswordTurnsTest {
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String OTHER = "1b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  /** Records set/expire calls in order. */
  static final class Calls implements GraphicsTickets {
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public Instant set(String vmUuid, String password, int validSeconds) {
      log.add("set " + vmUuid.charAt(0) + " " + password.length() + " " + validSeconds);
      return Instant.now().plusSeconds(validSeconds);
    }

    @Override
    public void expire(String vmUuid, Instant usedAt) {
      log.add("expire " + vmUuid.charAt(0));
    }
  }

  final Calls calls = new Calls();
  final PasswordTurns turns = new PasswordTurns(calls, Clock.systemUTC(), 2);

  @AfterEach
  void stop() {
    turns.close();
  }

  @Test
  void turnsOfOneVmNeverOverlapAndEachArmedPasswordIsExpiredBeforeTheNext() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(20);
    for (int i = 0; i < 20; i++) {
      turns.enter(
          VM,
          t -> {
            if (inside.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            try {
              t.arm();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            inside.decrementAndGet();
            // left from another thread, as a relay does from its event loop
            CompletableFuture.runAsync(
                () -> {
                  t.leave();
                  t.leave(); // idempotent
                  done.countDown();
                });
          });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    turns.run(VM, () -> null); // after the last turn
    assertThat(overlaps.get()).isZero();
    assertThat(calls.log).hasSize(40);
    for (int i = 0; i < 40; i += 2) {
      assertThat(calls.log.get(i)).isEqualTo("set 0 8 " + PasswordTurns.ARM_SECONDS);
      assertThat(calls.log.get(i + 1)).isEqualTo("expire 0");
    }
  }

  @Test
  void anotherVmIsNotHeldUpByAVmWhoseTurnHangs() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    turns.enter(
        VM,
        t ->
            CompletableFuture.runAsync(
                () -> {
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  t.leave();
                }));
    assertThat(turns.run(OTHER, () -> "done")).isEqualTo("done");
    release.countDown();
    assertThat(turns.run(VM, () -> "after")).isEqualTo("after");
  }

  @Test
  void aTurnThatThrowsIsReleased() throws Exception {
    turns.enter(
        VM,
        t -> {
          throw new IllegalStateException("bug in a holder");
        });
    assertThat(turns.run(VM, () -> "next")).isEqualTo("next");
  }

  @Test
  void expireRunsWithinATurn() throws Exception {
    turns.expire(VM);
    assertThat(calls.log).containsExactly("expire 0");
  }
}
