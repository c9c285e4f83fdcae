package org.porthole.nativeviewer.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.porthole.nativeviewer.ExitCode;
import org.porthole.status.PortholeStatus;

class CloseExplanationTest {

  @Test
  void hasItsOwnWordsForEveryCloseCodeOfTheStatusTable() {
    String unknown = "the console connection was closed [close ";
    for (PortholeStatus status : PortholeStatus.values()) {
      int code = status.webSocketCloseCode();
      assertThat(CloseExplanation.describe(code, ""))
          .as("%s (%d)", status, code)
          .doesNotStartWith(unknown);
    }
    assertThat(CloseExplanation.describe(PortholeStatus.WEBSOCKET_UNSUPPORTED_DATA, ""))
        .doesNotStartWith(unknown);
  }

  @Test
  void takeoverAndRevocationAreFinalWithTheirReason() {
    assertThat(CloseExplanation.reconnectable(4009)).isFalse();
    assertThat(CloseExplanation.reconnectable(4003)).isFalse();
    assertThat(CloseExplanation.exitCode(4009)).isEqualTo(ExitCode.TAKEN_OVER);
    assertThat(CloseExplanation.exitCode(4003)).isEqualTo(ExitCode.REVOKED);
    assertThat(CloseExplanation.describe(4009, "taken over by bob"))
        .isEqualTo(
            "another user took over this console (proxy says: \"taken over by bob\") [close 4009]");
  }

  @Test
  void aProxyRestartOrLostNetworkReconnects() {
    for (int code : new int[] {1000, 1001, 1006, 1011, 1013, 1014}) {
      assertThat(CloseExplanation.reconnectable(code)).as("%d", code).isTrue();
    }
    assertThat(CloseExplanation.reconnectable(4001)).isFalse();
  }

  @Test
  void aReasonCannotWriteControlCharacters() {
    assertThat(CloseExplanation.describe(1000, "a\u001bb")).contains("a?b");
  }
}
