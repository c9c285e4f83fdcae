package org.porthole.hostagent.ticket;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.porthole.hostagent.AgentException;

class TicketRulesTest {

  @Test
  void acceptsEightPrintableCharactersForUpToTenMinutes() {
    assertThatCode(() -> TicketRules.validate("aB3$ ~x!", 600)).doesNotThrowAnyException();
    assertThatCode(() -> TicketRules.validate("a", 1)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "123456789", "pässwd", "tab\there", "nul\u0000", "new\nline", "\u007f"})
  void rejectsPasswordsVncCannotCarry(String password) {
    assertThatThrownBy(() -> TicketRules.validate(password, 120))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("password");
  }

  @Test
  void rejectsMissingPassword() {
    assertThatThrownBy(() -> TicketRules.validate(null, 120)).isInstanceOf(AgentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 601, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void rejectsValidityOutsideOneToSixHundredSeconds(int seconds) {
    assertThatThrownBy(() -> TicketRules.validate("pw", seconds))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("valid_seconds");
  }

  @Test
  void errorsNeverQuoteThePassword() {
    assertThatThrownBy(() -> TicketRules.validate("s3cr\u00e9t", 120))
        .hasMessageNotContaining("s3cr");
    assertThatThrownBy(() -> TicketRules.validate("s3cr3tLong", 120))
        .hasMessageNotContaining("s3cr3tLong");
  }
}
