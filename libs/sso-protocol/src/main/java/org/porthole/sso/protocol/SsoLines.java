package org.porthole.sso.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import org.porthole.guest.protocol.Frame;
import org.porthole.guest.protocol.LineFramer;
import org.porthole.guest.protocol.LineReader;

/**
 * One end of an SSO channel as lines: reads with the guest protocol's framer under the SSO line
 * cap, writes each message as one whole line under a lock. Reading is for one thread; writing is
 * thread-safe.
 */
public final class SsoLines {
  private final LineReader reader;
  private final OutputStream out;
  private final ReentrantLock lock = new ReentrantLock();

  public SsoLines(InputStream in, OutputStream out) {
    this.reader = new LineReader(in, new LineFramer(SsoCodec.MAX_LINE_BYTES));
    this.out = out;
  }

  /** What one read yields: a message, or a line that was not one, with the code to answer it. */
  public sealed interface Read {
    /** A decoded message. */
    record Message(SsoMessage message) implements Read {}

    /** A line that is not a v1 message (or was over the cap). */
    record Refused(SsoProtocolException problem) implements Read {}
  }

  /**
   * The next message, blocking; {@code null} at the end of the stream. Blank lines are skipped.
   *
   * @throws IOException when the stream fails
   */
  public Read next() throws IOException {
    while (true) {
      Frame frame = reader.next();
      if (frame == null) {
        return null;
      }
      if (frame instanceof Frame.Oversized) {
        return new Read.Refused(
            new SsoProtocolException(
                SsoErrorCode.LINE_TOO_LONG,
                "line over " + SsoCodec.MAX_LINE_BYTES + " bytes dropped"));
      }
      String text = ((Frame.Line) frame).text();
      if (text.isBlank()) {
        continue;
      }
      try {
        return new Read.Message(SsoCodec.decode(text));
      } catch (SsoProtocolException e) {
        return new Read.Refused(e);
      }
    }
  }

  /**
   * Writes {@code message} as one line and flushes it.
   *
   * @throws IllegalArgumentException when the line would exceed the cap (the peer would drop it)
   */
  public void send(SsoMessage message) throws IOException {
    byte[] line = (SsoCodec.encode(message) + "\n").getBytes(StandardCharsets.UTF_8);
    if (line.length - 1 > SsoCodec.MAX_LINE_BYTES) {
      throw new IllegalArgumentException("encoded message exceeds " + SsoCodec.MAX_LINE_BYTES);
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
