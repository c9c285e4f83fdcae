package org.porthole.guest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.porthole.guest.json.JsonException;
import org.porthole.guest.json.JsonParser;

/**
 * Fuzz targets for what both agents parse on the control channel: strict JSON, a message line, and
 * a byte stream. Every test run replays the seeds in {@code GuestProtocolFuzzTestInputs/}; {@code
 * JAZZER_FUZZ=1 ./mvnw test -pl libs/guest-protocol -Dtest=GuestProtocolFuzzTest} fuzzes.
 */
class GuestProtocolFuzzTest {

  /** Any text is a JSON value or a JsonException, never another exception or a stack overflow. */
  @FuzzTest(maxDuration = "60s")
  void anyTextIsJsonOrRefused(byte[] bytes) {
    try {
      JsonParser.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonException e) {
      assertNotNull(e.getMessage());
    }
  }

  /** Any line is a message whose encoding is canonical, or a refusal with an error code. */
  @FuzzTest(maxDuration = "60s")
  void anyLineIsAMessageOrARefusal(byte[] bytes) throws Exception {
    Message message;
    try {
      message = MessageCodec.decode(new String(bytes, StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      assertNotNull(e.toReply());
      return;
    }
    String encoded = MessageCodec.encode(message);
    assertEquals(encoded, MessageCodec.encode(MessageCodec.decode(encoded)));
  }

  /** Any bytes frame as lines or oversize notices, at most one per newline, never an exception. */
  @FuzzTest(maxDuration = "60s")
  void anyBytesFrameIntoLines(byte[] bytes) throws IOException {
    LineReader reader = new LineReader(new ByteArrayInputStream(bytes), new LineFramer(256));
    long newlines = 0;
    for (byte b : bytes) {
      newlines += b == '\n' ? 1 : 0;
    }
    int frames = 0;
    for (Frame f = reader.next(); f != null; f = reader.next()) {
      frames++;
      assertTrue(f instanceof Frame.Line || f instanceof Frame.Oversized);
    }
    assertTrue(frames <= newlines + 1, frames + " frames from " + newlines + " newlines");
  }
}
