package org.porthole.guest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {
  private static final int MIB = LineFramer.MAX_LINE_BYTES;

  private static List<Frame> frame(byte[] bytes) {
    List<Frame> frames = new ArrayList<>();
    new LineFramer().feed(bytes, 0, bytes.length, frames::add);
    return frames;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] filled(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  @Test
  void splitsLinesAcrossArbitraryChunks() {
    byte[] input = ascii("{\"a\":1}\n\n{\"b\":2}\npartial");
    LineFramer framer = new LineFramer();
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < input.length; i++) {
      framer.feed(input, i, 1, frames::add);
    }
    assertEquals(
        List.of(new Frame.Line("{\"a\":1}"), new Frame.Line(""), new Frame.Line("{\"b\":2}")),
        frames);
    assertEquals(7, framer.buffered());
  }

  @Test
  void acceptsALineOfExactlyOneMebibyte() {
    List<Frame> frames = frame(concat(filled(MIB), ascii("\nok\n")));
    assertEquals(2, frames.size());
    assertEquals(MIB, ((Frame.Line) frames.get(0)).text().length());
    assertEquals(new Frame.Line("ok"), frames.get(1));
  }

  @Test
  void dropsALineOfOneMebibytePlusOneAndContinues() {
    List<Frame> frames = frame(concat(filled(MIB + 1), ascii("\nok\n")));
    assertEquals(List.of(new Frame.Oversized(MIB), new Frame.Line("ok")), frames);
  }

  @Test
  void dropsTenMebibytesWithoutNewlineInBoundedMemory() throws IOException {
    LineFramer framer = new LineFramer();
    List<Frame> frames = new ArrayList<>();
    byte[] chunk = filled(64 * 1024);
    int maxBuffered = 0;
    for (int i = 0; i < 160; i++) {
      framer.feed(chunk, 0, chunk.length, frames::add);
      maxBuffered = Math.max(maxBuffered, framer.buffered());
    }
    assertEquals(List.of(new Frame.Oversized(MIB)), frames);
    assertTrue(maxBuffered <= MIB, "buffered " + maxBuffered);
    assertEquals(0, framer.buffered());
    byte[] tail = ascii("still garbage\n{\"type\":\"heartbeat\",\"seq\":1}\n");
    framer.feed(tail, 0, tail.length, frames::add);
    assertEquals(
        List.of(new Frame.Oversized(MIB), new Frame.Line("{\"type\":\"heartbeat\",\"seq\":1}")),
        frames);
  }

  @Test
  void tenMebibytesWithoutNewlineThenEndOfStreamIsOneErrorThenEnd() throws IOException {
    LineReader reader = new LineReader(new ByteArrayInputStream(filled(10 * MIB)));
    assertEquals(new Frame.Oversized(MIB), reader.next());
    assertNull(reader.next());
  }

  @Test
  void replacesInvalidUtf8() {
    byte[] bad =
        concat(
            ascii("{\"s\":\""),
            new byte[] {(byte) 0xff, (byte) 0xc3, (byte) 0x28, (byte) 0xe2, (byte) 0x82},
            ascii("\"}\n"));
    List<Frame> frames = frame(bad);
    String text = ((Frame.Line) frames.get(0)).text();
    assertTrue(text.startsWith("{\"s\":\"\ufffd\ufffd("), text);
    assertTrue(text.endsWith("\ufffd\"}"), text);
  }

  @Test
  void readsAFloodOfOneHundredThousandMessages() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LineWriter writer = new LineWriter(out);
    for (int i = 1; i <= 100_000; i++) {
      writer.send(new Message.Heartbeat(i));
    }
    LineReader reader = new LineReader(new ByteArrayInputStream(out.toByteArray()));
    long expected = 1;
    for (Frame f = reader.next(); f != null; f = reader.next()) {
      Message m = decode(((Frame.Line) f).text());
      assertEquals(new Message.Heartbeat(expected), m);
      expected++;
    }
    assertEquals(100_001, expected);
  }

  @Test
  void readerSurvivesShortReads() throws IOException {
    byte[] data = ascii("{\"type\":\"heartbeat\",\"seq\":7}\n");
    InputStream trickle =
        new InputStream() {
          private int pos;

          @Override
          public int read() {
            return pos < data.length ? data[pos++] : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
              return -1;
            }
            b[off] = data[pos++];
            return 1;
          }
        };
    LineReader reader = new LineReader(trickle);
    assertEquals(new Frame.Line("{\"type\":\"heartbeat\",\"seq\":7}"), reader.next());
    assertNull(reader.next());
  }

  private static Message decode(String line) {
    try {
      return MessageCodec.decode(line);
    } catch (ProtocolException e) {
      throw new AssertionError(e);
    }
  }
}
