package org.porthole.hostagent.relay;

import java.nio.ByteBuffer;

/**
 * Makes every console's ClientInit shared. The client's first byte after the agent's handshake
 * ({@link ClientGreeting}) is its ClientInit, whose only field is the shared flag; QEMU's default
 * share policy (allow-exclusive) disconnects every other client of the VM when one asks for
 * exclusive access, so an interactive user's viewer (remote-viewer asks for it by default) would
 * end the other users' consoles, view-only ones included. The flag is rewritten to 1 whatever the
 * client sent; every later byte passes unchanged.
 *
 * <p>Threading: not thread-safe; a console feeds its client bytes in order, one frame at a time.
 */
final class SharedClientInit {
  private static final byte SHARED = 1;

  private boolean passed;

  /**
   * {@code bytes} as they go to QEMU: a copy with its first byte set to shared if it holds the
   * ClientInit, else {@code bytes} itself (never modified; it may be read-only).
   */
  ByteBuffer apply(ByteBuffer bytes) {
    if (passed || !bytes.hasRemaining()) {
      return bytes;
    }
    passed = true;
    if (bytes.get(bytes.position()) == SHARED) {
      return bytes;
    }
    ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
    copy.put(bytes.duplicate()).flip();
    copy.put(0, SHARED);
    return copy;
  }
}
