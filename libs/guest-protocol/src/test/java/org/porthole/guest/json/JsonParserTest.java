package org.porthole.guest.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {

  @Test
  void parsesEveryValueKind() throws JsonException {
    Object v =
        JsonParser.parse(" {\"a\":[1,-2.5e3,true,false,null],\"b\":{\"c\":\"d\\n\\u00e9\\/\"}} ");
    Map<?, ?> map = (Map<?, ?>) v;
    List<?> a = (List<?>) map.get("a");
    assertEquals(new BigDecimal("1"), a.get(0));
    assertEquals(new BigDecimal("-2.5e3"), a.get(1));
    assertEquals(Boolean.TRUE, a.get(2));
    assertEquals(Boolean.FALSE, a.get(3));
    assertNull(a.get(4));
    assertEquals("d\n\u00e9/", ((Map<?, ?>) map.get("b")).get("c"));
  }

  @Test
  void keepsKeyOrder() throws JsonException {
    Map<?, ?> map = (Map<?, ?>) JsonParser.parse("{\"z\":1,\"a\":2,\"m\":3}");
    assertEquals(List.of("z", "a", "m"), List.copyOf(map.keySet()));
  }

  @Test
  void rejectsTruncatedInput() {
    for (String text :
        List.of(
            "", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "[1,", "\"abc", "tru", "{\"a\":\"\\u12")) {
      assertThrows(JsonException.class, () -> JsonParser.parse(text), text);
    }
  }

  @Test
  void rejectsTrailingGarbage() {
    JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse("{\"a\":1} x"));
    assertEquals(8, e.offset());
    assertThrows(JsonException.class, () -> JsonParser.parse("{}{}"));
    assertThrows(JsonException.class, () -> JsonParser.parse("[1,]"));
    assertThrows(JsonException.class, () -> JsonParser.parse("{\"a\":1,}"));
  }

  @Test
  void rejectsTenThousandLevelsOfNestingWithoutStackOverflow() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse(deep));
    assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    String deepObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    assertThrows(JsonException.class, () -> JsonParser.parse(deepObjects));
  }

  @Test
  void acceptsNestingUpToTheLimit() throws JsonException {
    String ok = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
    assertTrue(JsonParser.parse(ok) instanceof List<?>);
  }

  @Test
  void rejectsHugeNumbers() {
    String digits = "9".repeat(100_000);
    JsonException e =
        assertThrows(JsonException.class, () -> JsonParser.parse("{\"seq\":" + digits + "}"));
    assertTrue(e.getMessage().contains("number longer"), e.getMessage());
    assertThrows(JsonException.class, () -> JsonParser.parse("1e99999999999"));
  }

  @Test
  void keepsLargeButBoundedNumbersExact() throws JsonException {
    assertEquals(
        new BigDecimal("123456789012345678901234567890"),
        JsonParser.parse("123456789012345678901234567890"));
  }

  @Test
  void rejectsDuplicateKeys() {
    JsonException e =
        assertThrows(JsonException.class, () -> JsonParser.parse("{\"id\":\"1\",\"id\":\"2\"}"));
    assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
  }

  @Test
  void rejectsNonStrictSpellings() {
    for (String text :
        List.of(
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "NaN",
            "Infinity",
            "'a'",
            "{a:1}",
            "[1 2]",
            "\"\t\"",
            "\"\\x\"",
            "// c\n1",
            "nul",
            "truex")) {
      assertThrows(JsonException.class, () -> JsonParser.parse(text), text);
    }
  }

  @Test
  void errorMessagesDoNotQuoteTheInput() {
    JsonException e =
        assertThrows(JsonException.class, () -> JsonParser.parse("{\"secret-value\" 1}"));
    assertTrue(!e.getMessage().contains("secret-value"), e.getMessage());
  }

  @Test
  void writerRoundTripsEscapesAndUnicode() throws JsonException {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("s", "q\"b\\n\n\t\u0001é😀");
    map.put("n", 42L);
    map.put("l", List.of(true, false));
    map.put("z", null);
    String text = JsonWriter.write(map);
    assertEquals(
        "{\"s\":\"q\\\"b\\\\n\\n\\t\\u0001é😀\",\"n\":42,\"l\":[true,false],\"z\":null}", text);
    Map<?, ?> back = (Map<?, ?>) JsonParser.parse(text);
    assertEquals(map.get("s"), back.get("s"));
    assertEquals(text, JsonWriter.write(back));
  }

  @Test
  void writerEscapesLoneSurrogatesSoOutputIsValidUtf8() {
    assertEquals("\"\\ud800x\\udc00\"", JsonWriter.write("\ud800x\udc00"));
  }

  @Test
  void writerRefusesNonJsonTypes() {
    assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(new Object()));
  }
}
