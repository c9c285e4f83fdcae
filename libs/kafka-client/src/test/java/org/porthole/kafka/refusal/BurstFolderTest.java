package org.porthole.kafka.refusal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BurstFolderTest {

  private final AtomicLong now = new AtomicLong();
  private final BurstFolder<String, String> folder = new BurstFolder<>(3, 1_000, 2, "*", now::get);

  @Test
  void foldsAFloodFromOneAddressIntoTheNextAdmittedOne() {
    for (int i = 0; i < 3; i++) {
      assertThat(folder.admit("a", "r" + i)).hasValue(0);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(folder.admit("a", "x" + i)).isEmpty();
    }
    assertThat(folder.admit("b", "other")).hasValue(0);
    now.addAndGet(1_000);
    assertThat(folder.admit("a", "late")).hasValue(5);
  }

  @Test
  void drainReportsFoldedOnesNoLaterOneCarried() {
    for (int i = 0; i < 7; i++) {
      folder.admit("a", "r" + i);
    }
    assertThat(folder.drain()).containsExactly(new BurstFolder.Folded<>("a", 4L, "r6"));
    assertThat(folder.drain()).isEmpty();
    now.addAndGet(10_000);
    folder.drain();
    assertThat(folder.admit("a", "again")).isEqualTo(OptionalLong.of(0));
  }

  @Test
  void manyDistinctAddressesShareOneBucketBeyondTheCap() {
    folder.admit("a", "1");
    folder.admit("b", "2");
    for (int i = 0; i < 10; i++) {
      folder.admit("spoofed-" + i, "s");
    }
    assertThat(folder.drain()).extracting(BurstFolder.Folded::key).containsExactly("*");
  }
}
