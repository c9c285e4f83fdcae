package org.porthole.guest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  @Test
  void everyExampleOfTheSpecDecodesAndEncodesToTheSameBytes() throws Exception {
    List<String> lines = DocExamples.lines();
    assertTrue(lines.size() >= 15, "examples found: " + lines.size());
    for (String line : lines) {
      assertEquals(line, MessageCodec.encode(MessageCodec.decode(line)), line);
    }
  }

  @Test
  void encodesEachMessageKindByteExactly() throws IOException {
    List<String> doc = DocExamples.lines();
    Message.Hello hello =
        new Message.Hello(
            VersionRange.V1,
            "porthole-guest-agent",
            "0.1.0",
            "5f0c2b1e-8d4a-4c55-9e8e-2a7d7c1b9f00",
            false);
    List<Message> messages =
        List.of(
            hello,
            new Message.Heartbeat(1),
            new Message.Request("42", "lock-screen", Map.of()),
            new Message.OkReply("42", Map.of("session", "locked")),
            new Message.ErrorReply("44", "unknown-command", "unknown command"),
            new Message.ErrorReply(null, "line-too-long", "line longer than 1048576 bytes dropped"),
            new Message.Event("session", Map.of("state", "locked")));
    for (Message m : messages) {
      String line = MessageCodec.encode(m);
      assertTrue(doc.contains(line), "not in the spec: " + line);
    }
  }

  @Test
  void decodesTheFieldsOfARequest() throws ProtocolException {
    Message m =
        MessageCodec.decode(
            "{\"type\":\"request\",\"id\":\"43\",\"command\":\"shutdown\",\"args\":{\"delay\":60,\"message\":\"m\"}}");
    Message.Request r = (Message.Request) m;
    assertEquals("43", r.id());
    assertEquals("shutdown", r.command());
    assertEquals(new BigDecimal(60), r.args().get("delay"));
  }

  @Test
  void ignoresUnknownFieldsFromANewerPeer() throws ProtocolException {
    Message m =
        MessageCodec.decode(
            "{\"type\":\"heartbeat\",\"seq\":3,\"load\":[1,2],\"extra\":{\"x\":null}}");
    assertEquals(new Message.Heartbeat(3), m);
  }

  @Test
  void defaultsMissingArgsToEmpty() throws ProtocolException {
    Message m = MessageCodec.decode("{\"type\":\"request\",\"id\":\"1\",\"command\":\"refresh\"}");
    assertEquals(new Message.Request("1", "refresh", Map.of()), m);
  }

  @Test
  void rejectsNonObjectTopLevel() {
    for (String line : List.of("[]", "\"hello\"", "42", "null", "true")) {
      ProtocolException e =
          assertThrows(ProtocolException.class, () -> MessageCodec.decode(line), line);
      assertEquals(ErrorCode.BAD_MESSAGE, e.code());
    }
  }

  @Test
  void malformedJsonIsBadJsonWithoutId() {
    for (String line :
        List.of(
            "{\"type\":\"request\",\"id\":\"1\"",
            "{\"type\":\"heartbeat\",\"seq\":1}}",
            "{\"type\":\"heartbeat\",\"type\":\"hello\"}",
            "[".repeat(10_000))) {
      ProtocolException e = assertThrows(ProtocolException.class, () -> MessageCodec.decode(line));
      assertEquals(ErrorCode.BAD_JSON, e.code());
      assertNull(e.requestId());
    }
  }

  @Test
  void badFieldsAreBadMessageAddressedToTheRequest() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> MessageCodec.decode("{\"type\":\"request\",\"id\":\"9\",\"command\":7}"));
    assertEquals(ErrorCode.BAD_MESSAGE, e.code());
    assertEquals("9", e.requestId());
    assertEquals(
        new Message.ErrorReply(
            "9", "bad-message", "command must be a string of 1 to 64 characters"),
        e.toReply());
  }

  @Test
  void hugeIntegersAreRefusedAsFieldValues() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                MessageCodec.decode(
                    "{\"type\":\"heartbeat\",\"seq\":123456789012345678901234567890}"));
    assertEquals(ErrorCode.BAD_MESSAGE, e.code());
    assertThrows(
        ProtocolException.class, () -> MessageCodec.decode("{\"type\":\"heartbeat\",\"seq\":1.5}"));
    assertThrows(
        ProtocolException.class, () -> MessageCodec.decode("{\"type\":\"heartbeat\",\"seq\":-1}"));
  }

  @Test
  void unknownTypeKeepsTheIdForTheReply() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> MessageCodec.decode("{\"type\":\"teleport\",\"id\":\"5\"}"));
    assertEquals(ErrorCode.UNKNOWN_TYPE, e.code());
    assertEquals("5", e.requestId());
  }

  @Test
  void helloWithMinAboveMaxIsRefused() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                MessageCodec.decode(
                    "{\"type\":\"hello\",\"min\":3,\"max\":1,\"agent\":\"a\",\"version\":\"1\",\"instance\":\"i\",\"answer\":false}"));
    assertEquals(ErrorCode.BAD_MESSAGE, e.code());
  }

  @Test
  void invalidUtf8InsideAStringSurvivesAsReplacementCharacter() throws ProtocolException {
    Message m =
        MessageCodec.decode(
            "{\"type\":\"event\",\"event\":\"note\",\"data\":{\"t\":\"a\ufffdb\"}}");
    assertEquals("a\ufffdb", ((Message.Event) m).data().get("t"));
    assertEquals(
        "{\"type\":\"event\",\"event\":\"note\",\"data\":{\"t\":\"a\ufffdb\"}}",
        MessageCodec.encode(m));
  }
}
