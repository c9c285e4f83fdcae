package org.porthole.testsupport.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenDescriptorsTest {
  @TempDir Path tmp;

  @Test
  void aDescriptorStillOpenIsTheOnlyOneOpenedSinceAndClosingItLeavesNone() throws Exception {
    Path file = Files.createFile(tmp.resolve("held"));
    Set<String> before = OpenDescriptors.snapshot();
    try (FileChannel held = FileChannel.open(file)) {
      assertThat(held.isOpen()).isTrue();
      // The file takes the lowest free number, which the first listing read /proc/self/fd
      // through; the second listing then gets another number and must not count as opened.
      assertThat(OpenDescriptors.openedSince(before))
          .singleElement()
          .asString()
          .endsWith(" -> " + file.toRealPath());
    }
    assertThat(OpenDescriptors.openedSince(before)).isEmpty();
  }
}
