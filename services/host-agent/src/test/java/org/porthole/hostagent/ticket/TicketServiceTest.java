package org.porthole.hostagent.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TicketServiceTest {

  @Test
  void validityIsRoundedUpSoATicketNeverLivesShorterThanAsked() {
    assertThat(TicketService.roundUpToSecond(Instant.parse("2030-01-01T00:00:10.001Z")))
        .isEqualTo(Instant.parse("2030-01-01T00:00:11Z"));
    assertThat(TicketService.roundUpToSecond(Instant.parse("2030-01-01T00:00:10Z")))
        .isEqualTo(Instant.parse("2030-01-01T00:00:10Z"));
  }
}
