package org.porthole.engine.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The origins ({@code scheme://host:port}) under which users reach the engine, from its configured
 * public URL ({@code porthole.public-url}, comma-separated when it has several names; the first is
 * the canonical one). The same-origin check compares a request's {@code Origin} with these, never
 * with the request's own Host header, which the client chooses (DNS rebinding: a hostile page on a
 * name that resolves to the engine sends its own name as Host and as Origin).
 */
public final class PublicOrigins {

  private final List<String> origins;
  private final boolean https;

  private PublicOrigins(List<String> origins) {
    this.origins = List.copyOf(origins);
    this.https = origins.get(0).startsWith("https://");
  }

  /**
   * Parses {@code porthole.public-url}.
   *
   * @throws IllegalArgumentException naming the bad entry when one is not an http(s) URL with a
   *     host
   */
  public static PublicOrigins parse(String configured) {
    List<String> origins = new ArrayList<>();
    for (String entry : configured.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      origins.add(
          origin(entry.strip())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "porthole.public-url: '"
                              + entry.strip()
                              + "' is not an http(s) URL with a host")));
    }
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("porthole.public-url is empty");
    }
    return new PublicOrigins(origins);
  }

  /** True when {@code origin} (a browser's Origin header) is one of the engine's public origins. */
  public boolean contains(String origin) {
    if (origin == null) {
      return false;
    }
    Optional<String> normalized = origin(origin.strip()).filter(o -> isBareOrigin(origin.strip()));
    return normalized.isPresent() && origins.contains(normalized.get());
  }

  /** True when users reach the engine over https (its cookies must then be Secure). */
  public boolean https() {
    return https;
  }

  /** The canonical origin, e.g. {@code https://porthole.example.org}. */
  public String canonical() {
    return origins.get(0);
  }

  /**
   * {@code scheme://host:port} of an http(s) or ws(s) URL, lower case, with the scheme's default
   * port made explicit; empty when it is not such a URL.
   */
  public static Optional<String> origin(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null) {
      return Optional.empty();
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port < 0) {
      switch (scheme) {
        case "http", "ws" -> port = 80;
        case "https", "wss" -> port = 443;
        default -> {
          return Optional.empty();
        }
      }
    } else if (!List.of("http", "https", "ws", "wss").contains(scheme)) {
      return Optional.empty();
    }
    return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
  }

  /** An Origin header carries no path, query or fragment. */
  private static boolean isBareOrigin(String origin) {
    try {
      URI uri = new URI(origin);
      return (uri.getRawPath() == null || uri.getRawPath().isEmpty())
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
