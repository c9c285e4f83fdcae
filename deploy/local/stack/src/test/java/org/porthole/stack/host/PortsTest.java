package org.porthole.stack.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void distinctPortsAreDifferentAndFree() {
    int[] ports = Ports.distinct(64);
    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(64);
    assertThat(Arrays.stream(ports).allMatch(p -> p > 0 && p < 65536)).isTrue();
    assertThat(Arrays.stream(ports).filter(Ports::isOpen).count())
        .as("nothing listens on them once chosen")
        .isZero();
  }
}
