package org.porthole.hostagent.grpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.testsupport.token.TokenClaims;

/** However an SSO stream ends, the VM's port is free again and nothing is left behind. */
class SsoStreamEndsTest extends SsoAgentTest {
  /** Where the client leaves. */
  enum Step {
    BEFORE_OPEN,
    RIGHT_AFTER_OPEN,
    WHILE_THE_GUEST_BEGINS,
    AFTER_THE_SIGNATURE
  }

  final List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();

  @ParameterizedTest
  @EnumSource(Step.class)
  void aClientThatLeavesInEveryStateFreesThePort(Step step) throws Exception {
    consoleLive("s1");
    consoleLive("s2");
    RecordingObserver rec = new RecordingObserver();
    StreamObserver<ConsoleFrame> first = async.openSso(rec);
    if (step != Step.BEFORE_OPEN) {
      if (step == Step.WHILE_THE_GUEST_BEGINS) {
        guest.answer(false);
      }
      first.onNext(InProcessAgentTest.open(ssoToken("s1")));
      if (step == Step.WHILE_THE_GUEST_BEGINS) {
        awaitTrue(() -> guest.requests().stream().anyMatch(r -> r.command().equals("sso-begin")));
      } else if (step == Step.AFTER_THE_SIGNATURE) {
        rec.readBytes(signature().length());
      }
    }
    first.onError(Status.CANCELLED.asRuntimeException());
    awaitTrue(() -> sso.activeCount() == 0 && sso.claimedPorts() == 0 && !port.busy());
    guest.answer(true);
    RecordingObserver next = openSso(ssoToken("s2"), req);
    assertThat(next.readBytes(signature().length())).isEqualTo(signature().getBytes(UTF_8));
    req.get(0).onCompleted();
    assertThat(next.awaitStatus().isOk()).isTrue();
  }

  @Test
  void refusesSsoForAViewConsole() throws Exception {
    consoleLive("s1");
    String token =
        tokens.sign(
            TokenClaims.forHost(HOST)
                .withConsole("s1", VM)
                .withMode(TokenClaims.MODE_VIEW)
                .withSso(TokenClaims.Sso.demo()));
    RecordingObserver rec = openSso(token, req);
    Status s = rec.awaitStatus();
    assertThat(s.getCode()).isIn(Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);
    assertThat(port.begins()).isEmpty();
  }

  @Test
  void nothingLeaksAfterAHundredStreams() throws Exception {
    long fdsBefore = openFds();
    for (int i = 0; i < 100; i++) {
      String sid = "s" + i;
      consoleLive(sid);
      RecordingObserver rec = openSso(ssoToken(sid), req);
      rec.readBytes(signature().length());
      req.get(i).onCompleted();
      assertThat(rec.awaitStatus().isOk()).isTrue();
      consoleEnded(sid);
      awaitTrue(() -> sso.claimedPorts() == 0 && !port.busy());
    }
    assertThat(sso.activeCount()).isZero();
    assertThat(port.begins()).hasSize(100);
    awaitTrue(() -> openFds() <= fdsBefore + 4);
  }

  private static long openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      throw new AssertionError("cannot count open files", e);
    }
  }
}
