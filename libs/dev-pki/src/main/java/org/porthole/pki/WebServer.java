package org.porthole.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A web server that HTTP clients and browsers reach by name or address, as the development PKI
 * issues it a certificate: subject alternative names (DNS names and IP addresses) for {@code
 * hosts}, extended key usage serverAuth, and no Porthole role (it is none of {@link
 * ServiceIdentity}'s services). Files {@code web-<name>.pem/.key}.
 *
 * @param name a lower-case label for files and logs, e.g. {@code keycloak}
 * @param hosts the DNS names and IP literals clients dial, e.g. {@code localhost}, {@code
 *     10.213.0.1}; at least one
 */
public record WebServer(String name, List<String> hosts) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  public WebServer {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a web server's name is lower-case letters, digits and dashes: '" + name + "'");
    }
    hosts = List.copyOf(Objects.requireNonNull(hosts, "hosts"));
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a web server needs at least one host name or address");
    }
    for (String host : hosts) {
      if (!isIp(host) && !DNS_NAME.matcher(host).matches()) {
        throw new IllegalArgumentException("not a DNS name or IP address: '" + host + "'");
      }
    }
  }

  /** True when {@code host} is an IP literal (it goes into an iPAddress name). */
  static boolean isIp(String host) {
    return IPV4.matcher(host).matches() || (host.contains(":") && IPV6.matcher(host).matches());
  }

  String fileStem() {
    return "web-" + name;
  }

  /**
   * True when {@code cert} is a server certificate for exactly these hosts and names no Porthole
   * role: anything else is issued again.
   */
  boolean isNamedBy(X509Certificate cert) {
    try {
      List<String> usages = cert.getExtendedKeyUsage();
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (usages == null || !usages.contains(SERVER_AUTH) || names == null) {
        return false;
      }
      Set<String> found = new LinkedHashSet<>();
      for (List<?> n : names) {
        int type = (Integer) n.get(0);
        if (type != SAN_DNS && type != SAN_IP) {
          return false;
        }
        found.add(normalized(String.valueOf(n.get(1))));
      }
      return found.equals(normalizedHosts());
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  Set<String> normalizedHosts() {
    Set<String> set = new LinkedHashSet<>();
    hosts.forEach(h -> set.add(normalized(h)));
    return set;
  }

  private static String normalized(String host) {
    if (!isIp(host)) {
      return host.toLowerCase(Locale.ROOT);
    }
    try {
      return InetAddress.getByName(host).getHostAddress(); // a literal: no name look-up
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: '" + host + "'", e);
    }
  }

  @Override
  public String toString() {
    return "web server " + name + " " + hosts;
  }
}
