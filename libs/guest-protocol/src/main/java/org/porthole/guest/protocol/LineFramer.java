package org.porthole.guest.protocol;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a byte stream into {@code \n}-terminated lines of at most {@link #MAX_LINE_BYTES} bytes
 * (the newline not counted). Bytes arrive in chunks of any size ({@link #feed}), so the same framer
 * serves a blocking reader and an event loop. A longer line is reported once as {@link
 * Frame.Oversized} as soon as it passes the cap, then skipped up to its newline, and framing
 * continues with the next line: memory stays bounded whatever the peer sends. Bytes after the last
 * newline at the end of the stream are not a line and are dropped.
 *
 * <p>Not thread-safe: one reader feeds it.
 */
public final class LineFramer {
  /** The protocol's line cap: 1 MiB. */
  public static final int MAX_LINE_BYTES = 1024 * 1024;

  private static final int INITIAL_BUFFER = 8 * 1024;
  private static final byte NEWLINE = '\n';

  private final int maxLineBytes;
  private byte[] buffer = new byte[INITIAL_BUFFER];
  private int length;
  private boolean discarding;

  /** A framer with the protocol's 1 MiB cap. */
  public LineFramer() {
    this(MAX_LINE_BYTES);
  }

  /** A framer with another cap (tests of the cap logic with small numbers). */
  public LineFramer(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive");
    }
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Feeds {@code count} bytes from {@code data[offset]}; each completed frame goes to {@code sink}
   * in order.
   */
  public void feed(byte[] data, int offset, int count, Consumer<Frame> sink) {
    int end = offset + count;
    int start = offset;
    while (start < end) {
      int newline = indexOf(data, start, end);
      int segmentEnd = newline < 0 ? end : newline;
      if (!discarding) {
        append(data, start, segmentEnd - start, sink);
      }
      if (newline < 0) {
        return;
      }
      if (!discarding) {
        sink.accept(new Frame.Line(new String(buffer, 0, length, StandardCharsets.UTF_8)));
      }
      discarding = false;
      reset();
      start = newline + 1;
    }
  }

  /** Bytes held for the current, unfinished line (for tests of boundedness). */
  public int buffered() {
    return length;
  }

  private void append(byte[] data, int offset, int count, Consumer<Frame> sink) {
    if ((long) length + count > maxLineBytes) {
      discarding = true;
      reset();
      sink.accept(new Frame.Oversized(maxLineBytes));
      return;
    }
    if (length + count > buffer.length) {
      int size = buffer.length;
      while (size < length + count) {
        size *= 2;
      }
      byte[] bigger = new byte[Math.min(size, maxLineBytes)];
      System.arraycopy(buffer, 0, bigger, 0, length);
      buffer = bigger;
    }
    System.arraycopy(data, offset, buffer, length, count);
    length += count;
  }

  /** Forgets the current line; a buffer grown for a big line is given back. */
  private void reset() {
    length = 0;
    if (buffer.length > INITIAL_BUFFER * 8) {
      buffer = new byte[INITIAL_BUFFER];
    }
  }

  private static int indexOf(byte[] data, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == NEWLINE) {
        return i;
      }
    }
    return -1;
  }
}
