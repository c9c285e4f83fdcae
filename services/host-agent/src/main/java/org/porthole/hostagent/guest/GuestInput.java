package org.porthole.hostagent.guest;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a guest reports without trusting it: wrong types become empty values, strings are cut
 * to {@link #MAX_TEXT_CHARS} with control characters replaced (they reach logs, Kafka and the
 * engine's UI), lists are cut to {@link #MAX_ITEMS}.
 */
final class GuestInput {
  static final int MAX_TEXT_CHARS = 256;
  static final int MAX_ITEMS = 64;

  private static final Set<String> SSO_OUTCOMES = Set.of("ok", "refused", "failed");

  private GuestInput() {}

  /**
   * The data of an {@code sso} event, or null when it names no session or no known outcome (such an
   * event is dropped: nothing would tell which exchange it ends).
   */
  static SsoReport ssoReport(String vmUuid, Map<String, Object> data) {
    String session = text(data.get("session"));
    Object outcome = data.get("outcome");
    if (session.isEmpty() || !(outcome instanceof String o) || !SSO_OUTCOMES.contains(o)) {
      return null;
    }
    String code = data.get("code") instanceof String c ? code(c) : "";
    return new SsoReport(
        vmUuid,
        session,
        o,
        "(unprintable)".equals(code) ? "unknown" : code,
        text(data.get("principal")),
        text(data.get("user")),
        Boolean.TRUE.equals(data.get("delegated")),
        !Boolean.FALSE.equals(data.get("delivered")));
  }

  /** The facts of a {@code refresh} result. */
  static GuestSnapshot.GuestFacts facts(Map<String, Object> result) {
    Map<?, ?> os = result.get("os") instanceof Map<?, ?> m ? m : Map.of();
    return new GuestSnapshot.GuestFacts(
        text(os.get("name")),
        text(os.get("version")),
        text(os.get("kernel")),
        text(os.get("arch")),
        text(result.get("hostname")),
        texts(result.get("ips")),
        texts(result.get("users")));
  }

  /**
   * The SPN a guest reported, made safe to show: the engine decides whether it is a host principal
   * it will pin; empty when not a string.
   */
  static String spn(Object value) {
    return text(value);
  }

  /** A string value made safe to show, or empty when {@code value} is not a string. */
  static String text(Object value) {
    if (!(value instanceof String s)) {
      return "";
    }
    String cut = s.length() > MAX_TEXT_CHARS ? s.substring(0, MAX_TEXT_CHARS) : s;
    StringBuilder b = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
    }
    return b.toString();
  }

  /** The strings of a JSON array, at most {@link #MAX_ITEMS}; anything else is skipped. */
  static List<String> texts(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    return list.stream()
        .filter(String.class::isInstance)
        .limit(MAX_ITEMS)
        .map(GuestInput::text)
        .toList();
  }

  /** An error code or name for a log line: lower-case letters, digits and '-' only. */
  static String code(String value) {
    String t = value == null ? "" : value;
    return t.matches("[a-z0-9-]{1,64}") ? t : "(unprintable)";
  }
}
