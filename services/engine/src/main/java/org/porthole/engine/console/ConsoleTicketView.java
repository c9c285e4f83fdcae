package org.porthole.engine.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;
import org.porthole.engine.sso.SsoTicket;

/**
 * REST answer to {@code POST /vms/{id}/consoles}: {@code {sessionId, vmId, mode, token, proxyUrl,
 * expiresAt, reconnectWindowSeconds}}, plus {@code sso: {token, proxyUrl, spn, nonce, delegation,
 * expiresAt}} when SSO was asked (absent otherwise). No password: the tokens are the only
 * credentials. Carries them, so it is sent once with {@code Cache-Control: no-store}.
 */
public record ConsoleTicketView(
    UUID sessionId,
    UUID vmId,
    String mode,
    String token,
    String proxyUrl,
    Instant expiresAt,
    int reconnectWindowSeconds,
    @JsonInclude(JsonInclude.Include.NON_NULL) SsoTicketView sso) {

  /**
   * The SSO channel's ticket of the same session: its token ({@code ch=sso}), where to open it, and
   * the token's SPN, nonce and delegation policy, so the viewer need not parse the token.
   */
  public record SsoTicketView(
      String token,
      String proxyUrl,
      String spn,
      String nonce,
      String delegation,
      Instant expiresAt) {

    static SsoTicketView of(SsoTicket ticket) {
      return new SsoTicketView(
          ticket.token(),
          ticket.proxyUrl(),
          ticket.spn(),
          ticket.nonce(),
          ticket.delegation(),
          ticket.expiresAt());
    }

    @Override
    public String toString() {
      return "SsoTicketView[spn=" + spn + ", delegation=" + delegation + "]";
    }
  }

  static ConsoleTicketView of(IssuedConsole issued) {
    ConsoleSession session = issued.session();
    return new ConsoleTicketView(
        session.id(),
        session.vmId(),
        session.mode().wireName(),
        issued.token(),
        issued.proxyUrl(),
        session.expiresAt(),
        issued.reconnectWindowSeconds(),
        issued.sso().map(SsoTicketView::of).orElse(null));
  }

  @Override
  public String toString() {
    return "ConsoleTicketView[sessionId=" + sessionId + ", vmId=" + vmId + ", mode=" + mode + "]";
  }
}
