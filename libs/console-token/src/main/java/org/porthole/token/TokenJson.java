package org.porthole.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one strict JSON reader of this library: duplicate keys and trailing content are errors. */
final class TokenJson {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private TokenJson() {}

  /**
   * Parses a JSON object.
   *
   * @throws TokenRejectedException {@code MALFORMED} when the text is not exactly one JSON object
   *     without duplicate keys
   */
  static ObjectNode parseObject(String json, String what) throws TokenRejectedException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new TokenRejectedException(
          TokenRejectedException.Reason.MALFORMED,
          what
              + " is not valid JSON"
              + (e.getOriginalMessage() != null
                      && e.getOriginalMessage().startsWith("Duplicate field")
                  ? " (duplicate key)"
                  : ""));
    }
    if (node == null || !node.isObject()) {
      throw new TokenRejectedException(
          TokenRejectedException.Reason.MALFORMED, what + " is not a JSON object");
    }
    return (ObjectNode) node;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize JSON", e);
    }
  }

  /** Printable ASCII, at most 64 characters: safe to put an attacker-chosen value in a message. */
  static String sanitize(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 64; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
