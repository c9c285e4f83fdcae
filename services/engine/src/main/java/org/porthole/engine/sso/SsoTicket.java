package org.porthole.engine.sso;

import java.time.Instant;

/**
 * The SSO half of an issued console: the SSO channel's token (a secret, hidden by {@code toString})
 * and what the viewer needs to run the exchange without parsing it.
 *
 * @param proxyUrl the ws-proxy's SSO path ({@code porthole.proxy.sso-url})
 * @param spn the pinned service principal the viewer authenticates the guest as
 * @param nonce the session-binding nonce (not the token's id)
 * @param delegation {@code never}, {@code ok-as-delegate} or {@code always}
 * @param expiresAt when the SSO token expires
 */
public record SsoTicket(
    String token,
    String proxyUrl,
    String spn,
    String nonce,
    String delegation,
    String principal,
    Instant expiresAt) {

  @Override
  public String toString() {
    return "SsoTicket[spn=" + spn + ", delegation=" + delegation + "]";
  }
}
