package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SharedClientInitTest {

  private static byte[] remaining(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void anExclusiveClientInitBecomesSharedAndTheRestOfItsFramePassesUnchanged() {
    SharedClientInit init = new SharedClientInit();
    ByteBuffer frame = ByteBuffer.wrap(new byte[] {0, 3, 0, 0, 0}).asReadOnlyBuffer();
    assertThat(remaining(init.apply(frame))).containsExactly(1, 3, 0, 0, 0);
    assertThat(remaining(frame))
        .as("the client's buffer is untouched")
        .containsExactly(0, 3, 0, 0, 0);
  }

  @Test
  void onlyTheFirstByteAfterTheHandshakeIsTheClientInit() {
    SharedClientInit init = new SharedClientInit();
    assertThat(remaining(init.apply(ByteBuffer.wrap(new byte[] {1})))).containsExactly(1);
    byte[] later = {0, 0, 0, 0};
    assertThat(remaining(init.apply(ByteBuffer.wrap(later)))).containsExactly(0, 0, 0, 0);
  }

  @Test
  void anEmptyFrameLeavesTheClientInitToTheNextOne() {
    SharedClientInit init = new SharedClientInit();
    assertThat(init.apply(ByteBuffer.allocate(0)).hasRemaining()).isFalse();
    assertThat(remaining(init.apply(ByteBuffer.wrap(new byte[] {0, 4})))).containsExactly(1, 4);
    assertThat(remaining(init.apply(ByteBuffer.wrap(new byte[] {0})))).containsExactly(0);
  }

  @Test
  void aClientInitInTheMiddleOfABufferIsFoundAtItsPosition() {
    SharedClientInit init = new SharedClientInit();
    ByteBuffer frame = ByteBuffer.wrap(new byte[] {9, 9, 0, 5});
    frame.position(2);
    assertThat(remaining(init.apply(frame))).containsExactly(1, 5);
  }
}
