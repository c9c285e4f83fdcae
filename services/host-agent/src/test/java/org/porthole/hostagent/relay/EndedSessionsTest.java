package org.porthole.hostagent.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.porthole.hostagent.AgentException;
import org.porthole.hostagent.ticket.TicketRules;
import org.porthole.status.PortholeStatus;
import org.porthole.testsupport.clock.MutableClock;

class EndedSessionsTest {
  private static final String VM = "0b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";
  private static final String OTHER_VM = "1b2c8a4e-3f6d-4c1a-9e7b-5d2f1a0c9e8b";

  final MutableClock clock = new MutableClock();
  final EndedSessions ended = new EndedSessions(clock);

  @Test
  void remembersAnEndedSessionOfItsVmForRemember() throws Exception {
    ended.add(VM.toUpperCase(), List.of("s-1"));
    assertThat(ended.contains(VM, "s-1")).isTrue();
    assertThat(ended.contains(VM, "s-2")).isFalse();
    assertThat(ended.contains(OTHER_VM, "s-1")).as("another VM's session of that id").isFalse();
    clock.advance(EndedSessions.REMEMBER.minusSeconds(1));
    assertThat(ended.contains(VM, "s-1")).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(ended.contains(VM, "s-1")).isFalse();
  }

  /**
   * A token of a revoked or taken-over session may live up to the longest token life: it must still
   * be refused after 301 s and 599 s (a 5-minute memory let it open a console again).
   */
  @Test
  void tokenOfAnEndedSessionStillRefusedUntilTheLongestTokenExpired() throws Exception {
    ended.add(VM, List.of("revoked"));
    clock.advance(Duration.ofSeconds(301));
    assertThat(ended.contains(VM, "revoked")).isTrue();
    clock.advance(Duration.ofSeconds(599 - 301));
    assertThat(ended.contains(VM, "revoked")).isTrue();
    assertThat(EndedSessions.REMEMBER).isGreaterThan(Duration.ofSeconds(TicketRules.MAX_SECONDS));
  }

  @Test
  void endingAgainRestartsTheMemory() throws Exception {
    ended.add(VM, List.of("s-1"));
    clock.advance(EndedSessions.REMEMBER.minusSeconds(60));
    ended.add(VM, List.of("s-1"));
    clock.advance(Duration.ofSeconds(120));
    assertThat(ended.contains(VM, "s-1")).isTrue();
  }

  @Test
  void refusesToGrowBeyondItsBoundAndForgetsExpiredOnes() throws Exception {
    List<String> many =
        IntStream.range(0, EndedSessions.MAX_SESSIONS).mapToObj(i -> "s-" + i).toList();
    ended.add(VM, many);
    assertThatThrownBy(() -> ended.add(VM, List.of("one-more")))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.status()).isEqualTo(PortholeStatus.OVERLOADED));
    assertThat(ended.contains(VM, "s-0")).as("what it held is kept").isTrue();
    clock.advance(EndedSessions.REMEMBER);
    ended.add(VM, List.of("one-more"));
    assertThat(ended.contains(VM, "one-more")).isTrue();
    assertThat(ended.contains(VM, "s-0")).isFalse();
  }
}
