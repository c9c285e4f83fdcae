package org.porthole.hostagent.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.porthole.admin.metrics.ConsoleMeters.Channel;
import org.porthole.admin.metrics.ConsoleMeters.Direction;
import org.porthole.admin.metrics.ConsoleMeters.Mode;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.api.hostagent.v1.EndConsolesRequest;
import org.porthole.guest.protocol.Message;
import org.porthole.testsupport.guest.FakeSsoPort;
import org.porthole.testsupport.token.TokenClaims;

/** OpenSso: bytes unread both ways, one client per VM, only beside a live console. */
class SsoRelaysTest extends SsoAgentTest {
  final List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();

  @Test
  void relaysBytesBothWaysWithoutLookingAtThem() throws Exception {
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    byte[] sig = signature().getBytes(UTF_8);
    assertThat(rec.readBytes(sig.length)).isEqualTo(sig);
    byte[] notJson = {0, (byte) 0xff, '{', '\n', 7, 'x'};
    req.get(0).onNext(InProcessAgentTest.data(notJson));
    assertThat(rec.readBytes(notJson.length)).isEqualTo(notJson);
    assertThat(relays.meters().openNow(Mode.INTERACTIVE, Channel.SSO)).isEqualTo(1);
    awaitTrue(() -> relays.meters().bytes(Direction.TO_VM).count() == notJson.length);
    assertThat(relays.meters().bytes(Direction.TO_CLIENT).count())
        .isEqualTo(sig.length + notJson.length);
    req.get(0).onNext(InProcessAgentTest.close());
    assertThat(rec.awaitStatus().isOk()).isTrue();
    assertThat(rec.lastClose().getStatus()).isEqualTo("CLOSED");
    awaitTrue(() -> relays.meters().openNow(Mode.INTERACTIVE, Channel.SSO) == 0);
  }

  @Test
  void sendsSsoBeginOnlyAfterThePortIsConnected() throws Exception {
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    FakeSsoPort.Begin begin = port.nextBegin(WAIT.toMillis());
    assertThat(begin.hostConnected()).as("the host's socket was connected at begin").isTrue();
    assertThat(begin.session()).isEqualTo("s1");
    assertThat(begin.nonce()).isEqualTo(TokenClaims.Sso.demo().nonce());
    assertThat(begin.principal()).isEqualTo(TokenClaims.Sso.demo().principal());
    rec.readBytes(signature().length());
    req.get(0).onCompleted();
    assertThat(rec.awaitStatus().isOk()).isTrue();
  }

  @Test
  void refusesAConsoleTokenOnTheSsoStream() throws Exception {
    consoleLive("s1");
    RecordingObserver rec = openSso(tokens.token("s1", VM, HOST), req);
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(rec.lastClose().getStatus()).isEqualTo("FORBIDDEN");
    assertThat(rec.lastClose().getReason()).contains("sso channel");
    assertThat(port.begins()).isEmpty();
    assertThat(refused)
        .singleElement()
        .satisfies(r -> assertThat(r.getStatus()).isEqualTo("FORBIDDEN"));
  }

  @Test
  void refusesSsoWhileTheSessionsConsoleIsNotLive() throws Exception {
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(rec.lastClose().getReason()).contains("not open");
    assertThat(port.begins()).isEmpty();
    assertThat(refused)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSessionId()).isEqualTo("s1");
              assertThat(r.getClaimsVerified()).isTrue();
            });
  }

  @Test
  void refusesAReplayedSsoToken() throws Exception {
    consoleLive("s1");
    String token = ssoToken("s1");
    RecordingObserver first = openSso(token, req);
    first.readBytes(signature().length());
    RecordingObserver second = openSso(token, req);
    assertThat(second.awaitStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    req.get(0).onCompleted();
    assertThat(first.awaitStatus().isOk()).isTrue();
  }

  @Test
  void aSecondSsoClientGetsConflictAtOnceAndTheFirstStillRelays() throws Exception {
    consoleLive("s1");
    consoleLive("s2");
    RecordingObserver first = openSso(ssoToken("s1"), req);
    first.readBytes(signature().length());
    RecordingObserver second = openSso(ssoToken("s2"), req);
    assertThat(second.awaitStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(second.lastClose().getStatus()).isEqualTo("CONFLICT");
    assertThat(second.lastClose().getReason()).startsWith("busy");
    byte[] more = "still here\n".getBytes(UTF_8);
    req.get(0).onNext(InProcessAgentTest.data(more));
    assertThat(first.readBytes(more.length)).isEqualTo(more);
    assertThat(port.begins()).hasSize(1);
    assertThat(refused)
        .singleElement()
        .satisfies(r -> assertThat(r.getStatus()).isEqualTo("CONFLICT"));
    req.get(0).onCompleted();
    assertThat(first.awaitStatus().isOk()).isTrue();
  }

  @Test
  void thePortIsFreeAgainAfterTheFirstEnds() throws Exception {
    consoleLive("s1");
    consoleLive("s2");
    RecordingObserver first = openSso(ssoToken("s1"), req);
    first.readBytes(signature().length());
    req.get(0).onCompleted();
    assertThat(first.awaitStatus().isOk()).isTrue();
    awaitTrue(() -> sso.claimedPorts() == 0 && !port.busy());
    RecordingObserver next = openSso(ssoToken("s2"), req);
    assertThat(next.readBytes(signature().length())).isEqualTo(signature().getBytes(UTF_8));
    req.get(1).onCompleted();
    assertThat(next.awaitStatus().isOk()).isTrue();
  }

  @Test
  void aGuestStillRunningAnEarlierExchangeIsBusyAndThenFree() throws Exception {
    consoleLive("s1");
    consoleLive("s2");
    Runnable earlierEnds = port.occupied();
    try {
      RecordingObserver rec = openSso(ssoToken("s1"), req);
      assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(rec.lastClose().getStatus()).isEqualTo("CONFLICT");
      assertThat(rec.lastClose().getReason()).startsWith("busy:").contains("earlier SSO exchange");
      assertThat(port.begins()).isEmpty();
      assertThat(refused)
          .singleElement()
          .satisfies(r -> assertThat(r.getStatus()).isEqualTo("CONFLICT"));
    } finally {
      earlierEnds.run();
    }
    awaitTrue(() -> sso.claimedPorts() == 0);
    RecordingObserver next = openSso(ssoToken("s2"), req);
    assertThat(next.readBytes(signature().length())).isEqualTo(signature().getBytes(UTF_8));
    req.get(1).onCompleted();
    assertThat(next.awaitStatus().isOk()).isTrue();
  }

  @Test
  void endsTheSsoStreamWhenItsConsoleEnds() throws Exception {
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    rec.readBytes(signature().length());
    consoleEnded("s1");
    assertThat(rec.awaitStatus().isOk()).isTrue();
    assertThat(rec.lastClose().getReason()).contains("console of this session ended");
  }

  @Test
  void endConsolesEndsTheSessionsSsoStream() throws Exception {
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    rec.readBytes(signature().length());
    blocking.endConsoles(
        EndConsolesRequest.newBuilder()
            .setVmUuid(VM)
            .addSessionIds("s1")
            .setStatus("FORBIDDEN")
            .setReason("taken over")
            .build());
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(rec.lastClose().getReason()).contains("taken over");
    consoleLive("s1");
    RecordingObserver again = openSso(ssoToken("s1"), req);
    assertThat(again.awaitStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(again.lastClose().getReason()).contains("ended by the engine");
  }

  @Test
  void aPortThatClosesEndsTheStream() throws Exception {
    port.mode(FakeSsoPort.Mode.CLOSE);
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    rec.readBytes(signature().length());
    assertThat(rec.awaitStatus().isOk()).isTrue();
    assertThat(rec.lastClose().getReason()).contains("SSO port closed");
  }

  @Test
  void endsTheStreamAfterTheGuestsOutcome() throws Exception {
    port.mode(FakeSsoPort.Mode.HOLD);
    consoleLive("s1");
    consoleLive("s2");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    rec.readBytes(signature().length());
    guest.send(new Message.Event("sso", Map.of("session", "s2", "outcome", "ok")));
    guest.send(
        new Message.Event("sso", Map.of("session", "s1", "outcome", "refused", "code", "closed")));
    assertThat(rec.awaitStatus().isOk()).isTrue();
    assertThat(rec.lastClose().getReason()).contains("guest finished the SSO exchange: refused");
  }
}
