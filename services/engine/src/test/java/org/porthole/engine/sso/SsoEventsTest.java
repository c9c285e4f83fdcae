package org.porthole.engine.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.api.events.v1.SsoOutcome;

class SsoEventsTest {

  @Test
  void keepsWhatTheGuestSaidAsTheFiveFields() {
    Map<String, Object> detail =
        SsoEvents.detailOf(
            SsoOutcome.newBuilder()
                .setSessionId("s")
                .setOutcome("ok")
                .setPrincipal("alice@PORTHOLE.TEST")
                .setUser("alice")
                .setDelegated(true)
                .setDelivered(true)
                .build());
    assertThat(detail)
        .containsExactly(
            Map.entry("principal", "alice@PORTHOLE.TEST"),
            Map.entry("user", "alice"),
            Map.entry("delegated", true),
            Map.entry("delivered", true),
            Map.entry("code", ""));
  }

  @Test
  void cutsHostileGuestText() {
    Map<String, Object> detail =
        SsoEvents.detailOf(
            SsoOutcome.newBuilder()
                .setOutcome("refused")
                .setCode("wrong-user\n2026-12-07 INFO forged line" + "x".repeat(500))
                .setPrincipal("p".repeat(10_000))
                .setUser("root\u0000\u001b[2J")
                .build());
    assertThat((String) detail.get("code"))
        .hasSize(SsoEvents.MAX_CODE)
        .startsWith("wrong-user?2026")
        .doesNotContain("\n");
    assertThat((String) detail.get("principal")).hasSize(SsoEvents.MAX_PRINCIPAL);
    assertThat((String) detail.get("user")).isEqualTo("root??[2J");
  }
}
