package org.porthole.engine.auth.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NegotiateMechanismTest {

  @Test
  void readsTheTokenOfANegotiateHeaderCaseBlind() {
    assertThat(NegotiateMechanism.negotiateToken("Negotiate YIIB")).isEqualTo("YIIB");
    assertThat(NegotiateMechanism.negotiateToken("negotiate   YIIB  ")).isEqualTo("YIIB");
    assertThat(NegotiateMechanism.negotiateToken("Negotiate")).isEmpty();
  }

  @Test
  void leavesOtherSchemesToOtherMechanisms() {
    assertThat(NegotiateMechanism.negotiateToken(null)).isNull();
    assertThat(NegotiateMechanism.negotiateToken("Bearer eyJ")).isNull();
    assertThat(NegotiateMechanism.negotiateToken("NegotiateX YIIB")).isNull();
    assertThat(NegotiateMechanism.negotiateToken("Nego")).isNull();
    assertThat(NegotiateMechanism.negotiateToken("")).isNull();
  }
}
