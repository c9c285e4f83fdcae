package org.porthole.stack.keycloak;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.porthole.pki.WebServer;
import org.porthole.stack.host.ExtraAddress;

/**
 * Keycloak's https listener, beside its plain http one on loopback: a certificate from the
 * development PKI in {@code pkiDir} (the stack's CA, {@code ca.pem}), {@code port} on 127.0.0.1
 * and, forwarded, on the extra address. Keycloak's hostname becomes {@link #issuerBase()}, so every
 * token names one issuer whichever listener issued it; back-channel URLs (token, JWKS, user info)
 * follow the address a client used, so loopback clients keep plain http.
 *
 * @param pkiDir the development PKI (its CA issues Keycloak's certificate)
 * @param port the https port, on 127.0.0.1 and on the extra address
 * @param extra where pods reach Keycloak; without it the public name is {@code localhost}
 */
public record KeycloakHttps(Path pkiDir, int port, Optional<ExtraAddress> extra) {

  /** The name browsers and engines use: the extra address, else {@code localhost}. */
  public String publicHost() {
    return extra.map(ExtraAddress::host).orElse("localhost");
  }

  /** {@code https://<public host>:<port>}: Keycloak's hostname, the base of every issuer. */
  public String issuerBase() {
    return "https://" + publicHost() + ":" + port;
  }

  /** The certificate's names: the public host, and loopback under both its names. */
  WebServer server() {
    List<String> hosts = new ArrayList<>();
    hosts.add(publicHost());
    for (String loopback : List.of("localhost", "127.0.0.1")) {
      if (!hosts.contains(loopback)) {
        hosts.add(loopback);
      }
    }
    return new WebServer("keycloak", hosts);
  }
}
