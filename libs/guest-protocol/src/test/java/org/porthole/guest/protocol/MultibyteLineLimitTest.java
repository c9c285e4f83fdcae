package org.porthole.guest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The security review's case of multibyte text at the 1 MiB line cap: the cap counts bytes, not
 * characters, on both sides. A line of exactly the cap in three-byte characters is one line; a
 * character whose bytes cross the cap makes the line oversized, whatever the chunks; a message
 * under the cap in characters but over it in bytes is refused by the writer.
 */
class MultibyteLineLimitTest {

  private static final String EURO = "\u20ac"; // three bytes in UTF-8

  private static List<Frame> frame(byte[] stream, int chunk) {
    LineFramer framer = new LineFramer();
    List<Frame> frames = new ArrayList<>();
    for (int at = 0; at < stream.length; at += chunk) {
      framer.feed(stream, at, Math.min(chunk, stream.length - at), frames::add);
    }
    return frames;
  }

  private static byte[] lines(String... texts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String text : texts) {
      out.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void multibyteLineOfExactlyTheCapIsOneLine() {
    // 1 MiB = 3 * 349525 + 1: the cap is filled by euros and one ASCII byte.
    String text = EURO.repeat(349_525) + "x";
    assertEquals(LineFramer.MAX_LINE_BYTES, text.getBytes(StandardCharsets.UTF_8).length);

    for (int chunk : new int[] {1 << 20, 4096, 7}) {
      List<Frame> frames = frame(lines(text, "next"), chunk);
      assertEquals(List.of(new Frame.Line(text), new Frame.Line("next")), frames);
    }
  }

  @Test
  void multibyteCharacterCrossingTheCapMakesTheLineOversized() {
    // 1 MiB - 1 ASCII bytes, then a euro whose last two bytes lie beyond the cap.
    String text = "x".repeat(LineFramer.MAX_LINE_BYTES - 1) + EURO;

    for (int chunk : new int[] {1 << 20, 4096, 1 << 20 - 1}) {
      List<Frame> frames = frame(lines(text, "next"), chunk);
      assertEquals(2, frames.size(), "an oversize notice, then the next line");
      assertInstanceOf(Frame.Oversized.class, frames.get(0));
      assertEquals(new Frame.Line("next"), frames.get(1));
    }
  }

  @Test
  void writerRefusesMessageUnderTheCapInCharactersButOverItInBytes() {
    String text = EURO.repeat(400_000); // 400,000 characters, 1,200,000 bytes
    Message event = new Message.Event("note", Map.of("t", text));
    assertEquals(true, MessageCodec.encode(event).length() < LineFramer.MAX_LINE_BYTES);

    LineWriter writer = new LineWriter(new ByteArrayOutputStream());
    assertThrows(IllegalArgumentException.class, () -> writer.send(event));
  }
}
