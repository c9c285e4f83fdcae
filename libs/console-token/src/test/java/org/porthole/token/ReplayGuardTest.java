package org.porthole.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.porthole.token.TestClaims.NOW;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.porthole.testsupport.clock.MutableClock;

class ReplayGuardTest {

  private final MutableClock clock = new MutableClock(NOW);

  @Test
  void replayGuardRedeemsOnce() {
    ReplayGuard guard = new ReplayGuard(clock);
    assertTrue(guard.redeem("jti-1", NOW.plusSeconds(60)));
    assertFalse(guard.redeem("jti-1", NOW.plusSeconds(60)));
    assertFalse(
        guard.redeem("jti-1", NOW.plusSeconds(90)), "a different exp does not make a new token");
    assertTrue(guard.redeem("jti-2", NOW.plusSeconds(60)));
  }

  @Test
  void replayWithinSkewAfterExpiryIsStillRefused() {
    ReplayGuard guard = new ReplayGuard(clock);
    assertTrue(guard.redeem("jti-1", NOW.plusSeconds(10)));
    clock.advance(Duration.ofSeconds(14));
    assertFalse(guard.redeem("jti-1", NOW.plusSeconds(10)));
  }

  @Test
  void forgetsIdsOnceTheirTokenCanNoLongerVerify() {
    ReplayGuard guard = new ReplayGuard(clock);
    for (int i = 0; i < 100; i++) {
      assertTrue(guard.redeem("old-" + i, NOW.plusSeconds(10)));
    }
    assertEquals(100, guard.size());
    clock.advance(Duration.ofSeconds(16));
    assertTrue(guard.redeem("new", NOW.plusSeconds(100)));
    assertEquals(1, guard.size());
  }

  @Test
  void refusesAlreadyExpiredToken() {
    ReplayGuard guard = new ReplayGuard(clock);
    assertFalse(guard.redeem("late", NOW.minusSeconds(5)));
    assertFalse(guard.redeem("", NOW.plusSeconds(5)));
    assertFalse(guard.redeem(null, NOW.plusSeconds(5)));
    assertFalse(guard.redeem("x", null));
    assertEquals(0, guard.size());
  }

  @Test
  void refusesWhenFullRatherThanForgettingUnexpiredIds() {
    ReplayGuard guard = new ReplayGuard(clock, 3);
    assertTrue(guard.redeem("a", NOW.plusSeconds(60)));
    assertTrue(guard.redeem("b", NOW.plusSeconds(60)));
    assertTrue(guard.redeem("c", NOW.plusSeconds(60)));
    assertFalse(guard.redeem("d", NOW.plusSeconds(60)));
    assertFalse(guard.redeem("a", NOW.plusSeconds(60)), "still remembers a");
    clock.advance(Duration.ofSeconds(66));
    assertTrue(guard.redeem("d", NOW.plusSeconds(120)), "room again once the others expired");
  }

  @Test
  void concurrentRedeemsOfOneIdSucceedOnce() throws Exception {
    ReplayGuard guard = new ReplayGuard(clock);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<Boolean> task =
            () -> {
              start.await();
              return guard.redeem("shared", NOW.plusSeconds(60));
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      int wins = 0;
      for (Future<Boolean> result : results) {
        wins += result.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(1, wins);
    } finally {
      pool.shutdownNow();
    }
  }
}
