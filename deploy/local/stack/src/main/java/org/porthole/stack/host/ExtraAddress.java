package org.porthole.stack.host;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An address of this machine other than loopback on which the stack serves as well, for clients
 * that are not on this machine's loopback (pods on a bridge, such as the one-node Kubernetes'
 * 10.213.0.1): PostgreSQL, Kafka and Keycloak's https listen there too, and PostgreSQL admits
 * clients from {@link #subnet()}. Only an IPv4 address that is on one of this machine's interfaces
 * when the stack starts.
 *
 * @param address the address, e.g. 10.213.0.1
 * @param prefixLength its interface's network prefix, e.g. 24
 */
public record ExtraAddress(Inet4Address address, int prefixLength) {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public ExtraAddress {
    if (prefixLength < 8 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
    }
  }

  /**
   * The address {@code literal} as this machine holds it now.
   *
   * @throws IllegalArgumentException naming the machine's addresses when {@code literal} is not an
   *     IPv4 literal, is loopback or a wildcard, or is on none of this machine's interfaces
   */
  public static ExtraAddress require(String literal) {
    List<Held> local = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InterfaceAddress a : nic.getInterfaceAddresses()) {
          local.add(new Held(a.getAddress(), a.getNetworkPrefixLength()));
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list this machine's addresses: " + e.getMessage(), e);
    }
    return require(literal, local);
  }

  /** An address on one of this machine's interfaces, with its network prefix. */
  record Held(InetAddress address, int prefixLength) {}

  static ExtraAddress require(String literal, List<Held> local) {
    Inet4Address address = parse(literal);
    for (Held a : local) {
      if (address.equals(a.address())) {
        return new ExtraAddress(address, a.prefixLength());
      }
    }
    List<String> held = new ArrayList<>();
    for (Held a : local) {
      if (a.address() instanceof Inet4Address) {
        held.add(a.address().getHostAddress() + "/" + a.prefixLength());
      }
    }
    throw new IllegalArgumentException(
        "extra address "
            + literal
            + " is not an address of this machine (it has "
            + String.join(", ", held)
            + "): start what brings it first (for the one-node Kubernetes:"
            + " ./porthole kube up, whose bridge holds 10.213.0.1)");
  }

  static Inet4Address parse(String literal) {
    String s = literal == null ? "" : literal.strip();
    if (!IPV4.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "extra address '" + literal + "' is not an IPv4 address such as 10.213.0.1");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(s); // a literal: no name look-up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("extra address '" + literal + "' is not an address", e);
    }
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isMulticastAddress()) {
      throw new IllegalArgumentException(
          "extra address "
              + s
              + " must be one unicast address of this machine other than loopback"
              + " (the stack serves 127.0.0.1 anyway, and never every address)");
    }
    return (Inet4Address) address;
  }

  /** The address as text, e.g. {@code 10.213.0.1}. */
  public String host() {
    return address.getHostAddress();
  }

  /** The network the address belongs to in CIDR notation, e.g. {@code 10.213.0.0/24}. */
  public String subnet() {
    byte[] b = address.getAddress();
    int bits = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int mask = prefixLength == 32 ? -1 : -1 << (32 - prefixLength);
    int net = bits & mask;
    return ((net >>> 24) & 0xff)
        + "."
        + ((net >>> 16) & 0xff)
        + "."
        + ((net >>> 8) & 0xff)
        + "."
        + (net & 0xff)
        + "/"
        + prefixLength;
  }

  @Override
  public String toString() {
    return host() + "/" + prefixLength;
  }
}
