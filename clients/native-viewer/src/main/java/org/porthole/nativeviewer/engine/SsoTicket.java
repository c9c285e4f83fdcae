package org.porthole.nativeviewer.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The SSO half of a console ticket: the token that opens the console session's SSO channel at the
 * ws-proxy, the guest's service principal the engine pinned (the only name the viewer's Kerberos
 * ticket is sent to), the nonce the guest echoes in its signature, and the delegation policy. The
 * viewer reads these from the engine's answer, never from the token. {@link #toString()} never
 * shows the token.
 */
public record SsoTicket(
    String token, String proxyUrl, String spn, String nonce, String delegation, Instant expiresAt) {

  /**
   * The {@code sso} object of the engine's console answer; empty when the answer has none (the
   * engine was not asked for SSO, or is older than SSO).
   */
  static Optional<SsoTicket> of(JsonNode sso) {
    if (sso == null || !sso.isObject()) {
      return Optional.empty();
    }
    return Optional.of(
        new SsoTicket(
            sso.path("token").asText(""),
            sso.path("proxyUrl").asText(""),
            sso.path("spn").asText(""),
            sso.path("nonce").asText(""),
            sso.path("delegation").asText(""),
            instant(sso.path("expiresAt").asText(""))));
  }

  /** What is missing for an exchange, in words; empty when the ticket is complete. */
  public Optional<String> problem() {
    if (token.isEmpty()) {
      return Optional.of("the engine's SSO ticket has no token");
    }
    if (proxyUrl.isEmpty()) {
      return Optional.of("the engine's SSO ticket names no proxy URL");
    }
    if (spn.isEmpty()) {
      return Optional.of("the engine's SSO ticket names no service principal");
    }
    if (nonce.isEmpty()) {
      return Optional.of("the engine's SSO ticket has no nonce");
    }
    return Optional.empty();
  }

  private static Instant instant(String text) {
    try {
      return text.isEmpty() ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "SsoTicket[spn "
        + spn
        + ", delegation "
        + delegation
        + ", proxy "
        + proxyUrl
        + ", until "
        + expiresAt
        + "]";
  }
}
