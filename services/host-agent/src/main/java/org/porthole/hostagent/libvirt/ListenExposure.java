package org.porthole.hostagent.libvirt;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a graphics listen address keeps QEMU private to this host. Only loopback
 * (127.0.0.0/8, ::1, "localhost") counts; wildcards (0.0.0.0, ::), host names and every other
 * address are exposed. No DNS lookup is ever made: a name we cannot judge is exposed.
 */
public final class ListenExposure {
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-f:.]+");
  private static final int MAX_OCTET = 255;
  private static final int LOOPBACK_NET = 127;

  private ListenExposure() {}

  /** True when {@code address} is a loopback address or the name {@code localhost}. */
  public static boolean isLoopback(String address) {
    if (address == null) {
      return false;
    }
    String a = address.trim().toLowerCase(Locale.ROOT);
    if (a.startsWith("[") && a.endsWith("]") && a.length() > 2) {
      a = a.substring(1, a.length() - 1);
    }
    if ("localhost".equals(a)) {
      return true;
    }
    Matcher v4 = IPV4.matcher(a);
    if (v4.matches()) {
      return isLoopbackV4(v4);
    }
    if (a.contains(":") && IPV6_LITERAL.matcher(a).matches()) {
      return isLoopbackV6(a);
    }
    return false;
  }

  /** True when {@code address} is not loopback: QEMU is reachable from the network. */
  public static boolean isExposed(String address) {
    return !isLoopback(address);
  }

  private static boolean isLoopbackV4(Matcher m) {
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > MAX_OCTET) {
        return false;
      }
    }
    return Integer.parseInt(m.group(1)) == LOOPBACK_NET;
  }

  private static boolean isLoopbackV6(String literal) {
    try {
      // Only called for strings made of hex digits, ':' and '.', which Java parses as a
      // literal without a name lookup. ::ffff:127.0.0.1 comes back as an Inet4Address.
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
