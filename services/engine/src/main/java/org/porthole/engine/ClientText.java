package org.porthole.engine;

/**
 * Text a client chose (a name, a path, a header) made safe to echo in an answer or a log line:
 * short and free of control characters, so it cannot forge log lines or flood them.
 */
public final class ClientText {

  private static final int MAX_CHARS = 64;

  private ClientText() {}

  /** At most 64 printable ASCII characters of {@code text} ("…" when cut), "?" for null. */
  public static String printable(String text) {
    if (text == null) {
      return "?";
    }
    StringBuilder safe = new StringBuilder();
    for (int i = 0; i < text.length() && safe.length() < MAX_CHARS; i++) {
      char c = text.charAt(i);
      safe.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return safe.length() < text.length() ? safe + "…" : safe.toString();
  }
}
