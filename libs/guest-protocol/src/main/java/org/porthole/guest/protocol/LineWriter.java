package org.porthole.guest.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one way to write messages to a channel: each message is encoded to a whole line first and
 * then written and flushed under a lock, so concurrent senders (reply thread, heartbeat timer,
 * event notifier) can never interleave bytes. The old oVirt agent corrupted its channel because its
 * status thread wrote without such a lock. Thread-safe.
 */
public final class LineWriter {
  private final OutputStream out;
  private final ReentrantLock lock = new ReentrantLock();

  public LineWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Writes {@code message} as one {@code \n}-terminated line and flushes it.
   *
   * @throws IllegalArgumentException when the encoded line exceeds the 1 MiB cap (the peer would
   *     drop it)
   * @throws IOException when the channel fails
   */
  public void send(Message message) throws IOException {
    byte[] line = (MessageCodec.encode(message) + "\n").getBytes(StandardCharsets.UTF_8);
    if (line.length - 1 > LineFramer.MAX_LINE_BYTES) {
      throw new IllegalArgumentException(
          "encoded message exceeds " + LineFramer.MAX_LINE_BYTES + " bytes");
    }
    lock.lock();
    try {
      out.write(line);
      out.flush();
    } finally {
      lock.unlock();
    }
  }
}
