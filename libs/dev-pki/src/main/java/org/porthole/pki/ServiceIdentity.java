package org.porthole.pki;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a Porthole service is, as its certificate names it: a subject alternative name URI {@code
 * urn:porthole:engine}, {@code urn:porthole:ws-proxy} or {@code urn:porthole:host-agent:<host-id>}.
 * Only the CA can put that URI into a certificate, so a holder of one role's key cannot act as
 * another role, and a host agent cannot act as another host. A certificate naming no role, or more
 * than one, has no identity.
 *
 * @param role what the service does
 * @param hostId for {@link Role#HOST_AGENT} the agent's host id ({@code host:port} or {@code
 *     [ipv6]:port}); empty for the other roles
 */
public record ServiceIdentity(Role role, String hostId) {

  /** The URI scheme and namespace every role URI starts with. */
  public static final String URI_PREFIX = "urn:porthole:";

  private static final int SAN_URI = 6;
  private static final int MAX_HOST_ID = 255;
  private static final Pattern NAME_AND_PORT =
      Pattern.compile("([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\\d{1,5})");
  private static final Pattern IPV6_AND_PORT =
      Pattern.compile("\\[([0-9A-Fa-f:.]{2,45})]:(\\d{1,5})");

  /** The roles of Porthole's services; each acts as a TLS server, a TLS client, or both. */
  public enum Role {
    /** Calls host agents (tickets, consoles, guest commands, policies): client only. */
    ENGINE("engine", false, true),
    /**
     * Opens console streams on host agents: client only (its wss listener has its own certificate).
     */
    WS_PROXY("ws-proxy", false, true),
    /** Serves the host agent gRPC API for one host: server only. */
    HOST_AGENT("host-agent", true, false);

    private final String label;
    private final boolean server;
    private final boolean client;

    Role(String label, boolean server, boolean client) {
      this.label = label;
      this.server = server;
      this.client = client;
    }

    /** The role's name in URIs, file names and logs, e.g. {@code ws-proxy}. */
    public String label() {
      return label;
    }

    /** True when certificates of this role carry extended key usage serverAuth. */
    public boolean server() {
      return server;
    }

    /** True when certificates of this role carry extended key usage clientAuth. */
    public boolean client() {
      return client;
    }
  }

  public ServiceIdentity {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(hostId, "hostId");
    if (role == Role.HOST_AGENT ? !validHostId(hostId) : !hostId.isEmpty()) {
      throw new IllegalArgumentException(
          role == Role.HOST_AGENT
              ? "a host agent's host id must be host:port or [ipv6]:port with a port 1-65535"
              : "only a host agent has a host id");
    }
  }

  /** The engine's identity. */
  public static ServiceIdentity engine() {
    return new ServiceIdentity(Role.ENGINE, "");
  }

  /** The ws-proxy's identity. */
  public static ServiceIdentity wsProxy() {
    return new ServiceIdentity(Role.WS_PROXY, "");
  }

  /**
   * The host agent of {@code hostId}.
   *
   * @throws IllegalArgumentException when {@code hostId} is not {@code host:port} or {@code
   *     [ipv6]:port}
   */
  public static ServiceIdentity hostAgent(String hostId) {
    return new ServiceIdentity(Role.HOST_AGENT, hostId);
  }

  /** The subject alternative name URI, e.g. {@code urn:porthole:host-agent:kvm1.example:9443}. */
  public String uri() {
    if (role != Role.HOST_AGENT) {
      return URI_PREFIX + role.label();
    }
    // '[' and ']' are not allowed outside a URI's authority; a URN has none.
    return URI_PREFIX + role.label() + ":" + hostId.replace("[", "%5B").replace("]", "%5D");
  }

  /**
   * For a host agent, the host part of its host id (DNS name, or IP literal without brackets): the
   * name its server certificate is valid for. Empty for the other roles.
   */
  public String host() {
    if (role != Role.HOST_AGENT) {
      return "";
    }
    Matcher ipv6 = IPV6_AND_PORT.matcher(hostId);
    return ipv6.matches() ? ipv6.group(1) : hostId.substring(0, hostId.lastIndexOf(':'));
  }

  /** The identity named by {@code uri}, if it is a role URI this class writes. */
  public static Optional<ServiceIdentity> fromUri(String uri) {
    if (uri == null || !uri.startsWith(URI_PREFIX)) {
      return Optional.empty();
    }
    String rest = uri.substring(URI_PREFIX.length());
    for (Role role : Role.values()) {
      if (role != Role.HOST_AGENT && rest.equals(role.label())) {
        return Optional.of(new ServiceIdentity(role, ""));
      }
    }
    String agentPrefix = Role.HOST_AGENT.label() + ":";
    if (!rest.startsWith(agentPrefix)) {
      return Optional.empty();
    }
    String hostId =
        URLDecoder.decode(rest.substring(agentPrefix.length()), StandardCharsets.US_ASCII);
    return validHostId(hostId) ? Optional.of(hostAgent(hostId)) : Optional.empty();
  }

  /**
   * The identity {@code cert} names: its one {@code urn:porthole:} subject alternative name URI.
   * Empty when it names none, more than one, or one this class does not know. Says nothing about
   * who issued the certificate: callers take it from a chain TLS has already verified.
   */
  public static Optional<ServiceIdentity> of(X509Certificate cert) {
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    List<String> roles =
        names.stream()
            .filter(n -> n.size() == 2 && Integer.valueOf(SAN_URI).equals(n.get(0)))
            .map(n -> String.valueOf(n.get(1)))
            .filter(u -> u.regionMatches(true, 0, URI_PREFIX, 0, URI_PREFIX.length()))
            .toList();
    return roles.size() == 1 ? fromUri(roles.get(0)) : Optional.empty();
  }

  /**
   * True when {@code other} is the same service. Host ids compare without regard to case, as DNS
   * names do.
   */
  public boolean sameAs(ServiceIdentity other) {
    return other != null && role == other.role && hostId.equalsIgnoreCase(other.hostId);
  }

  /**
   * The stem of this identity's files in the development PKI: lower case, letters, digits and
   * dashes.
   */
  String fileStem() {
    if (role != Role.HOST_AGENT) {
      return role.label();
    }
    String id =
        hostId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    return role.label() + "-" + id;
  }

  @Override
  public String toString() {
    return role == Role.HOST_AGENT ? role.label() + " " + hostId : role.label();
  }

  private static boolean validHostId(String hostId) {
    if (hostId.isEmpty() || hostId.length() > MAX_HOST_ID) {
      return false;
    }
    Matcher named = NAME_AND_PORT.matcher(hostId);
    if (named.matches()) {
      return validPort(named.group(3));
    }
    Matcher ipv6 = IPV6_AND_PORT.matcher(hostId);
    return ipv6.matches() && validPort(ipv6.group(2));
  }

  private static boolean validPort(String digits) {
    int port = Integer.parseInt(digits);
    return port >= 1 && port <= 65535;
  }
}
