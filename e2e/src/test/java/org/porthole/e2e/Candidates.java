package org.porthole.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.porthole.testsupport.engine.EngineClient;
import org.porthole.testsupport.token.TokenForge;

/**
 * Every string a user's client receives that could be a VNC password, as an attacker would harvest
 * them: each string of the REST answer, the token, its parts and its claims, printable runs of the
 * bytes the console sent, and text of the page — each whole and cut to the 8 characters VNC
 * authentication uses — plus the empty password.
 */
final class Candidates {
  /** VNC authentication uses the first 8 bytes of a password. */
  private static final int VNC_KEY_CHARS = 8;

  private static final int MIN_RUN = 4;
  private static final int MAX_WINDOWS_PER_RUN = 64;

  private final Set<String> found = new LinkedHashSet<>();

  Candidates() {
    found.add("");
  }

  /** The candidates of one ticket answer. */
  static List<String> fromTicket(EngineClient.Ticket ticket) throws IOException {
    return new Candidates().addTicket(ticket).list();
  }

  Candidates addTicket(EngineClient.Ticket ticket) throws IOException {
    addJson(ticket.body());
    String token = ticket.token();
    add(token);
    for (String part : token.split("\\.")) {
      add(part);
    }
    addJson(TokenForge.claims(token));
    return this;
  }

  /** Every string value (and field name) of a JSON document. */
  Candidates addJson(JsonNode node) {
    if (node.isTextual()) {
      add(node.asText());
    } else if (node.isNumber() || node.isBoolean()) {
      add(node.asText());
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      add(field.getKey());
      addJson(field.getValue());
    }
    if (node.isArray()) {
      node.forEach(this::addJson);
    }
    return this;
  }

  /** Printable ASCII runs of {@code bytes}: each whole, and its 8-character windows. */
  Candidates addBytes(byte[] bytes) {
    StringBuilder run = new StringBuilder();
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7f) {
        run.append((char) b);
        continue;
      }
      addRun(run.toString());
      run.setLength(0);
    }
    addRun(run.toString());
    return this;
  }

  /** Text a user sees or that the page holds (attribute values, status lines). */
  Candidates addText(String text) {
    return addBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  private void addRun(String run) {
    if (run.length() < MIN_RUN) {
      return;
    }
    add(run);
    int windows = Math.min(run.length() - VNC_KEY_CHARS + 1, MAX_WINDOWS_PER_RUN);
    for (int i = 0; i < windows; i++) {
      found.add(run.substring(i, i + VNC_KEY_CHARS));
    }
  }

  private void add(String value) {
    if (value == null) {
      return;
    }
    found.add(value);
    if (value.length() > VNC_KEY_CHARS) {
      found.add(value.substring(0, VNC_KEY_CHARS));
    }
  }

  List<String> list() {
    return new ArrayList<>(found);
  }
}
