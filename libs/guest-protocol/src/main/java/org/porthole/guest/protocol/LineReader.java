package org.porthole.guest.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Blocking frame reader over an {@link InputStream}: the guest agent's read loop. Reads in chunks
 * of {@link #CHUNK_BYTES} and frames them with a {@link LineFramer}, so it holds at most one capped
 * line plus one chunk. Not thread-safe: one reader thread.
 */
public final class LineReader {
  /** Bytes asked of the stream per read. */
  public static final int CHUNK_BYTES = 64 * 1024;

  private final InputStream in;
  private final LineFramer framer;
  private final Deque<Frame> ready = new ArrayDeque<>();
  private final byte[] chunk = new byte[CHUNK_BYTES];

  /** A reader with the protocol's 1 MiB line cap. */
  public LineReader(InputStream in) {
    this(in, new LineFramer());
  }

  /** A reader framing with {@code framer}. */
  public LineReader(InputStream in, LineFramer framer) {
    this.in = in;
    this.framer = framer;
  }

  /**
   * The next frame, blocking until one is complete, or {@code null} at the end of the stream.
   *
   * @throws IOException when reading the stream fails
   */
  public Frame next() throws IOException {
    while (ready.isEmpty()) {
      int n = in.read(chunk);
      if (n < 0) {
        return null;
      }
      framer.feed(chunk, 0, n, ready::add);
    }
    return ready.poll();
  }
}
