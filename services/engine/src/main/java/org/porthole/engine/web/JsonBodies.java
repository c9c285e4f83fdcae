package org.porthole.engine.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.porthole.status.PortholeException;
import org.porthole.status.PortholeStatus;

/**
 * Parses optional JSON request bodies in the engine's own code, so that an absent body, a missing
 * Content-Type and every parse failure get the same {@code {status, message}} answer (the
 * framework's built-in Jackson mappers would answer in their own format).
 */
public final class JsonBodies {

  private JsonBodies() {}

  /**
   * Parses {@code body} as {@code type} with {@code mapper} (which refuses unknown fields).
   *
   * @return null for an absent or blank body
   * @throws PortholeException BAD_REQUEST saying what is wrong, never quoting the body
   */
  public static <T> T parseOptional(ObjectMapper mapper, String body, Class<T> type) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return mapper.readValue(body, type);
    } catch (JsonProcessingException e) {
      throw new PortholeException(
          PortholeStatus.BAD_REQUEST, ErrorTranslation.translate(e).message());
    }
  }
}
