package org.porthole.hostagent.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;
import org.porthole.status.PortholeStatus;

/** Per-VM password turns: one at a time per VM, in order, others in parallel, always released. */
class PasswordTurnsTest {
  static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final String OTHER = "1b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  static final long WAIT_SECONDS = 30;

  /**
   * Records set/expire calls in order; expiries of {@link #VM} block while {@link #hang} is up, and
   * the next {@link #failures} expiries fail.
   */
  static final class Calls implements GraphicsTickets {
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger failures = new AtomicInteger();
    volatile CountDownLatch hang = new CountDownLatch(0);
    final CountDownLatch hanging = new CountDownLatch(1);

    @Override
    public Instant set(String vmUuid, String password, int validSeconds) {
      log.add("set " + vmUuid.charAt(0) + " " + password.length() + " " + validSeconds);
      return Instant.now().plusSeconds(validSeconds);
    }

    @Override
    public void expire(String vmUuid) throws AgentException {
      if (vmUuid.equals(VM) && hang.getCount() > 0) {
        hanging.countDown();
        try {
          hang.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        log.add("failed expire " + vmUuid.charAt(0));
        throw new AgentException(PortholeStatus.UPSTREAM_UNAVAILABLE, "libvirt said no");
      }
      log.add("expire " + vmUuid.charAt(0));
    }
  }

  final Calls calls = new Calls();
  final PasswordTurns turns = new PasswordTurns(calls, Duration.ofMillis(500));

  @AfterEach
  void stop() {
    calls.hang.countDown();
    turns.close();
  }

  /** Arms within a turn of {@code vm} and leaves at once; the answer is the leave's outcome. */
  CompletableFuture<Void> armAndLeave(String vm) {
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    turns.enter(
        vm,
        t -> {
          try {
            t.arm();
          } catch (AgentException e) {
            t.leave();
            outcome.completeExceptionally(e);
            return;
          }
          t.leave().whenComplete((v, e) -> complete(outcome, e));
        });
    return outcome;
  }

  static void complete(CompletableFuture<Void> f, Throwable e) {
    if (e == null) {
      f.complete(null);
    } else {
      f.completeExceptionally(e);
    }
  }

  static Throwable failureOf(CompletableFuture<Void> f) throws Exception {
    try {
      f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("completed normally");
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
    assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    turns.expire(VM).get(WAIT_SECONDS, TimeUnit.SECONDS); // after the last turn
    assertThat(overlaps.get()).isZero();
    assertThat(calls.log).hasSize(41);
    for (int i = 0; i < 40; i += 2) {
      assertThat(calls.log.get(i)).isEqualTo("set 0 8 " + PasswordTurns.ARM_SECONDS);
      assertThat(calls.log.get(i + 1)).isEqualTo("expire 0");
    }
  }

  @Test
  void aVmWhoseExpiryHangsHoldsUpNoOtherVmAndItsLaterConsolesAreRefusedAtOnce() throws Exception {
    calls.hang = new CountDownLatch(1);
    CompletableFuture<Void> hung = armAndLeave(VM);
    assertThat(calls.hanging.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    armAndLeave(OTHER).get(WAIT_SECONDS, TimeUnit.SECONDS);
    turns.expire(OTHER).get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(failureOf(hung))
        .as("the hung console is never told its password expired")
        .hasMessageContaining("did not end within");
    assertThat(failureOf(armAndLeave(VM)))
        .as("the VM's next console ends with the reason, sets nothing and holds no thread")
        .hasMessageContaining("libvirt has not answered");
    assertThat(calls.log.stream().filter(c -> c.startsWith("set 0"))).hasSize(1);

    calls.hang.countDown();
    awaitCondition(() -> armAndLeave(VM).handle((v, e) -> e == null).join());
  }

  @Test
  void aHolderThatNeverLeavesHoldsItsVmOnlyForTheTurnLimit() throws Exception {
    CompletableFuture<PasswordTurns.Turn> held = new CompletableFuture<>();
    turns.enter(VM, held::complete);
    PasswordTurns.Turn stuck = held.get(WAIT_SECONDS, TimeUnit.SECONDS);
    armAndLeave(VM).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThatThrownBy(stuck::arm)
        .as("a turn that ran out arms nothing")
        .isInstanceOf(AgentException.class);
    assertThat(failureOf(stuck.leave())).hasMessageContaining("did not end within");
  }

  @Test
  void aFailedExpiryIsRetriedOnce() throws Exception {
    calls.failures.set(1);
    armAndLeave(VM).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(calls.log).containsExactly("set 0 8 15", "failed expire 0", "expire 0");
  }

  @Test
  void aPasswordThatCannotBeExpiredIsReportedSoItsClientIsNeverGreeted() throws Exception {
    calls.failures.set(2);
    assertThat(failureOf(armAndLeave(VM)))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("could not be expired");
    armAndLeave(VM).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void aTurnThatThrowsIsReleased() throws Exception {
    turns.enter(
        VM,
        t -> {
          throw new IllegalStateException("bug in a holder");
        });
    armAndLeave(VM).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void expireRunsWithinATurn() throws Exception {
    turns.expire(VM).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(calls.log).containsExactly("expire 0");
  }

  static void awaitCondition(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
