package org.porthole.wsproxy.refusal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.ConsoleRefusal;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.token.TokenClaims;
import org.porthole.token.ConsoleClaims;
import org.porthole.token.SsoClaims;

/** What the proxy publishes on {@code porthole.refusals.v1} for a refusal. */
class KafkaRefusalsTest {

  private static final String CLIENT = "127.0.0.1:40000";

  @Test
  void aRefusalWithoutClaimsNamesNoOne() {
    ConsoleRefusal event =
        KafkaRefusals.event(Refusal.of(PortholeStatus.TOKEN_REJECTED, "token rejected", CLIENT));

    assertThat(event.getStatus()).isEqualTo("TOKEN_REJECTED");
    assertThat(event.getReason()).isEqualTo("token rejected");
    assertThat(event.getClientAddress()).isEqualTo(CLIENT);
    assertThat(event.getClaimsVerified()).isFalse();
    assertThat(event.getVmUuid()).isEmpty();
    assertThat(event.getSessionId()).isEmpty();
    assertThat(event.getSubject()).isEmpty();
  }

  @Test
  void aWrongChannelRefusalPublishesItsVerifiedClaims() {
    ConsoleClaims claims = ssoClaims();

    ConsoleRefusal event =
        KafkaRefusals.event(
            Refusal.of(PortholeStatus.FORBIDDEN, "this token opens only the sso channel", CLIENT)
                .withClaims(claims));

    assertThat(event.getStatus()).isEqualTo("FORBIDDEN");
    assertThat(event.getClaimsVerified()).isTrue();
    assertThat(event.getVmUuid()).isEqualTo(claims.vmUuid());
    assertThat(event.getSessionId()).isEqualTo(claims.sessionId());
    assertThat(event.getSubject()).isEqualTo("alice");
    assertThat(event.toString()).doesNotContain(claims.tokenId());
  }

  private static ConsoleClaims ssoClaims() {
    TokenClaims t = TokenClaims.forHost("agent-a:9443");
    TokenClaims.Sso s = TokenClaims.Sso.demo();
    return new ConsoleClaims(
        t.issuer(),
        t.audience(),
        t.subject(),
        t.sessionId(),
        t.vmUuid(),
        t.hostId(),
        ConsoleClaims.CHANNEL_SSO,
        t.issuedAt(),
        t.notBefore(),
        t.expiresAt(),
        t.tokenId(),
        t.mode(),
        new SsoClaims(s.spn(), s.nonce(), s.delegation(), s.principal()));
  }
}
