package org.porthole.wsproxy.relay;

/**
 * A host agent's address parsed from its host id ({@code host:port} or {@code [ipv6]:port}), the
 * {@code host} claim of a console token. Strict, because the id names where console bytes go.
 *
 * @param host DNS name or IP literal (IPv6 without brackets)
 * @param port TCP port, 1–65535
 */
public record AgentAddress(String host, int port) {

  private static final int MAX_LENGTH = 255;

  /**
   * Parses {@code hostId}.
   *
   * @throws IllegalArgumentException when it is not {@code host:port}; the message quotes no input
   */
  public static AgentAddress parse(String hostId) {
    if (hostId == null || hostId.isEmpty() || hostId.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("host id is empty or too long");
    }
    int colon = hostId.lastIndexOf(':');
    if (colon <= 0 || colon == hostId.length() - 1) {
      throw new IllegalArgumentException("host id is not host:port");
    }
    String host = hostId.substring(0, colon);
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || host.length() < 3) {
        throw new IllegalArgumentException("host id has a malformed IPv6 literal");
      }
      host = host.substring(1, host.length() - 1);
      checkChars(host, "0123456789abcdefABCDEF:.");
    } else {
      checkChars(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
    }
    return new AgentAddress(host, port(hostId.substring(colon + 1)));
  }

  private static void checkChars(String host, String allowed) {
    for (int i = 0; i < host.length(); i++) {
      if (allowed.indexOf(host.charAt(i)) < 0) {
        throw new IllegalArgumentException("host id has a character not allowed in a host name");
      }
    }
  }

  private static int port(String digits) {
    if (digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("host id port is not a number");
    }
    int port = Integer.parseInt(digits);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("host id port is out of range");
    }
    return port;
  }
}
