package org.porthole.engine.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.porthole.status.PortholeStatus;

/** The JSON body of every error answer: {@code {"status": "NOT_FOUND", "message": "…"}}. */
public record ErrorBody(String status, String message) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The body as JSON text, for answers written before JAX-RS (HTTP filters and security
   * mechanisms), where the REST layer's mapper does not apply.
   */
  public static String json(PortholeStatus status, String message) {
    try {
      return JSON.writeValueAsString(new ErrorBody(status.name(), message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the " + status + " answer", e);
    }
  }
}
