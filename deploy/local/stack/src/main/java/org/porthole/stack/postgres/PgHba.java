package org.porthole.stack.postgres;

import java.util.regex.Pattern;

/**
 * The client authentication file ({@code pg_hba.conf}) of a server that also serves an extra
 * address: what initdb writes for the stack (unix socket and loopback, SCRAM) plus the extra
 * address's subnet, SCRAM too. Never {@code trust}: every TCP client needs the password.
 */
final class PgHba {
  private static final Pattern IPV4_CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");

  private PgHba() {}

  static String withSubnet(String cidr) {
    if (!IPV4_CIDR.matcher(cidr).matches()) {
      throw new IllegalArgumentException("not an IPv4 network: " + cidr);
    }
    return String.join(
        "\n",
        "# Written by porthole-stack on every start with an extra address; SCRAM only.",
        "# TYPE  DATABASE  USER  ADDRESS       METHOD",
        "local   all       all                 scram-sha-256",
        "host    all       all   127.0.0.1/32  scram-sha-256",
        "host    all       all   ::1/128       scram-sha-256",
        "host    all       all   " + cidr + "  scram-sha-256",
        "");
  }
}
