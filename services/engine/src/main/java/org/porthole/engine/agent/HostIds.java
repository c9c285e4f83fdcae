package org.porthole.engine.agent;

import java.util.regex.Pattern;

/**
 * Validates host ids. A host id is the agent's gRPC authority ({@code host:port}); it arrives in
 * Kafka events and becomes a connection target, so only plain names and IP literals pass.
 */
public final class HostIds {

  private static final int MAX_LENGTH = 255;
  private static final int MAX_PORT = 65535;
  private static final Pattern NAME_AND_PORT =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:(\\d{1,5})");
  private static final Pattern IPV6_AND_PORT =
      Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]:(\\d{1,5})");

  private HostIds() {}

  /** True when {@code hostId} is {@code name:port} or {@code [ipv6]:port} with a port 1–65535. */
  public static boolean isValid(String hostId) {
    if (hostId == null || hostId.length() > MAX_LENGTH) {
      return false;
    }
    var named = NAME_AND_PORT.matcher(hostId);
    if (named.matches()) {
      return isPort(named.group(2));
    }
    var ipv6 = IPV6_AND_PORT.matcher(hostId);
    return ipv6.matches() && isPort(ipv6.group(1));
  }

  private static boolean isPort(String digits) {
    int port = Integer.parseInt(digits);
    return port >= 1 && port <= MAX_PORT;
  }
}
