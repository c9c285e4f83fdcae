package org.porthole.engine.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.DisconnectAction;
import org.porthole.api.hostagent.v1.EndConsolesResponse;

class EndedConsolesTest {

  @Test
  void namesTheAppliedActionAsTheRestApiDoes() {
    assertThat(EndedConsoles.actionName(DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN))
        .isEqualTo("lock-screen");
    assertThat(EndedConsoles.actionName(DisconnectAction.DISCONNECT_ACTION_LOG_OFF))
        .isEqualTo("log-off");
    assertThat(EndedConsoles.actionName(DisconnectAction.DISCONNECT_ACTION_NONE)).isEqualTo("none");
    assertThat(EndedConsoles.actionName(DisconnectAction.DISCONNECT_ACTION_UNSPECIFIED)).isEmpty();
  }

  @Test
  void boundsTheAgentsDetailText() {
    EndedConsoles ended =
        EndedConsoles.of(
            EndConsolesResponse.newBuilder()
                .setEndedRelays(2)
                .setDisconnectAction(DisconnectAction.DISCONNECT_ACTION_LOCK_SCREEN)
                .setDisconnectActionDetail("x".repeat(10_000))
                .build());
    assertThat(ended.endedRelays()).isEqualTo(2);
    assertThat(ended.actionConfirmed()).isFalse();
    assertThat(ended.actionDetail()).hasSize(256);
  }
}
