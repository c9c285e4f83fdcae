package org.porthole.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmHeapTest {

  @Test
  void sumsTheSerialCollectorsGenerationsAndLeavesMetaspaceOut() {
    String serial =
        """
        7367:
         def new generation   total 116160K, used 18593K [0x00000000e8000000, 0x00000000efe00000)
          eden space 103296K,  18% used [0x00000000e8000000, 0x00000000e92286e0)
         tenured generation   total 258048K, used 2048K [0x00000000f0000000, 0x0000000100000000)
           the space 258048K,   0% used [0x00000000f0000000, 0x00000000ffc00000)
         Metaspace       used 8915K, committed 9088K, reserved 1114112K
        """;
    assertThat(JvmHeap.parseUsedKiB(serial)).isEqualTo(18593 + 2048);
  }

  @Test
  void readsG1InMegabytesAndRefusesAnAnswerWithoutHeap() {
    assertThat(
            JvmHeap.parseUsedKiB(
                " garbage-first heap   total 262144K, used 12M [0x00000000f0000000)\n"))
        .isEqualTo(12 * 1024);
    assertThatThrownBy(() -> JvmHeap.parseUsedKiB("7367:\nno such process\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsThisJvm() {
    assertThat(JvmHeap.usedKiB(List.of(ProcessHandle.current().pid()))).isPositive();
  }
}
