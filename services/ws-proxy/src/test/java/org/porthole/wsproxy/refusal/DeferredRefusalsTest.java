package org.porthole.wsproxy.refusal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.porthole.status.PortholeStatus;

class DeferredRefusalsTest {

  private static Refusal refusal(int i) {
    return Refusal.of(PortholeStatus.ORIGIN_REJECTED, "origin " + i, "127.0.0.1:" + (1000 + i));
  }

  @Test
  void refusalsBeforeAttachReachTheReporterInOrderThenLaterOnesGoStraightThrough() {
    DeferredRefusals deferred = new DeferredRefusals();
    deferred.refused(refusal(1));
    deferred.refused(refusal(2));
    assertThat(deferred.waiting()).isEqualTo(2);

    List<Refusal> seen = new ArrayList<>();
    deferred.attach(seen::add);
    assertThat(seen).containsExactly(refusal(1), refusal(2));
    assertThat(deferred.waiting()).isZero();

    deferred.refused(refusal(3));
    assertThat(seen).containsExactly(refusal(1), refusal(2), refusal(3));
  }

  @Test
  void aFloodBeforeAttachHoldsAtMostItsCapAndReportsTheRestAsOneCount() {
    DeferredRefusals deferred = new DeferredRefusals();
    int flood = DeferredRefusals.HELD + 1000;
    for (int i = 0; i < flood; i++) {
      deferred.refused(refusal(i));
    }
    assertThat(deferred.waiting()).isEqualTo(DeferredRefusals.HELD);

    List<Refusal> seen = new ArrayList<>();
    deferred.attach(seen::add);
    assertThat(seen).hasSize(DeferredRefusals.HELD + 1);
    assertThat(seen.get(0)).isEqualTo(refusal(0));
    assertThat(seen.get(DeferredRefusals.HELD).reason())
        .isEqualTo("1000 more refusal(s) while the proxy started, not itemised");
  }

  @Test
  void attachingTwiceIsRefused() {
    DeferredRefusals deferred = new DeferredRefusals();
    deferred.attach(RefusalReporter.NONE);
    assertThatThrownBy(() -> deferred.attach(RefusalReporter.NONE))
        .isInstanceOf(IllegalStateException.class);
  }
}
