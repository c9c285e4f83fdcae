package org.porthole.engine.ui;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses {@code porthole.ui.service-links}: comma-separated {@code label=url} entries, the links
 * the page footer shows next to the engine's own health and metrics (the one-machine stack names
 * the ws-proxy's and the host agent's admin ports there). Every entry is checked and a bad one is
 * refused with its position and the rule it breaks, so a typo stops the engine at start rather than
 * reaching a page. A URL is never repeated in a message (it could carry a token in its query).
 */
public final class ServiceLinks {

  static final String KEY = "porthole.ui.service-links";
  static final int MAX_LINKS = 16;
  static final int MAX_URL_CHARS = 2048;

  /** Plain text: a letter or digit first, then letters, digits, spaces and a little punctuation. */
  private static final Pattern LABEL =
      Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._()/:+#@-]{0,63}");

  private ServiceLinks() {}

  /**
   * The links of {@code configured}, in order; none when it is unset or blank.
   *
   * @throws IllegalArgumentException naming the bad entry and why
   */
  public static List<ServiceLink> parse(Optional<String> configured) {
    if (configured.isEmpty() || configured.get().isBlank()) {
      return List.of();
    }
    String[] entries = configured.get().split(",", -1);
    if (entries.length > MAX_LINKS) {
      throw new IllegalArgumentException(
          KEY + ": " + entries.length + " entries, at most " + MAX_LINKS);
    }
    List<ServiceLink> links = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      links.add(entry(i + 1, entries[i].strip()));
    }
    return List.copyOf(links);
  }

  private static ServiceLink entry(int position, String entry) {
    String where = KEY + ": entry " + position;
    if (entry.isEmpty()) {
      throw new IllegalArgumentException(where + " is empty (a stray comma?)");
    }
    int equals = entry.indexOf('=');
    if (equals < 0) {
      throw new IllegalArgumentException(where + " is not label=url");
    }
    String label = entry.substring(0, equals).strip();
    if (!LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(
          where
              + ": the label must be 1-64 characters of plain text (letters, digits, spaces and"
              + " . _ ( ) / : + # @ -), starting with a letter or digit");
    }
    String problem = urlProblem(entry.substring(equals + 1).strip());
    if (problem != null) {
      throw new IllegalArgumentException(where + " (" + label + "): " + problem);
    }
    return new ServiceLink(label, entry.substring(equals + 1).strip());
  }

  /**
   * Why {@code url} cannot be a footer link, or null when it can: it must be an absolute http or
   * https URL with a host, no user credentials and no spaces or control characters.
   */
  static String urlProblem(String url) {
    if (url.isEmpty()) {
      return "the URL is empty";
    }
    if (url.length() > MAX_URL_CHARS) {
      return "the URL is longer than " + MAX_URL_CHARS + " characters";
    }
    if (url.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      return "the URL holds spaces or control characters";
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "the URL is malformed";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "only http and https URLs are allowed";
    }
    if (uri.getRawUserInfo() != null) {
      return "the URL must not carry user credentials";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "the URL has no host";
    }
    return null;
  }
}
