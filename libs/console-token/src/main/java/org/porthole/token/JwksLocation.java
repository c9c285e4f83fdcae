package org.porthole.token;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where console-token verification keys may be fetched from: over https from anywhere, over plain
 * http only from this machine ({@code localhost} or a loopback IP literal). Keys fetched in clear
 * text across a network could be swapped by anyone on the path, who could then sign any console
 * token. Names are never resolved to decide: only the literal name {@code localhost} and loopback
 * IP literals count as this machine.
 */
public final class JwksLocation {

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9A-Fa-f:.]+]?");

  private JwksLocation() {}

  /** Why {@code url} may not serve keys, or empty when it may. */
  public static Optional<String> problem(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost();
    if (host == null || !(scheme.equals("https") || scheme.equals("http"))) {
      return Optional.of("the JWKS URL must be an https URL (or http on a loopback address)");
    }
    if (scheme.equals("http") && !loopback(host)) {
      return Optional.of(
          "the JWKS URL must use https unless its host is localhost or a loopback address"
              + " (plain http across a network lets anyone on the path swap the keys)");
    }
    return Optional.empty();
  }

  /**
   * {@code url} when it may serve keys.
   *
   * @throws IllegalArgumentException saying why not
   */
  public static URI require(URI url) {
    problem(url)
        .ifPresent(
            reason -> {
              throw new IllegalArgumentException(reason + ": " + url);
            });
    return url;
  }

  private static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IP_LITERAL.matcher(host).matches()) {
      return false;
    }
    try {
      String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException | StringIndexOutOfBoundsException e) {
      return false;
    }
  }
}
