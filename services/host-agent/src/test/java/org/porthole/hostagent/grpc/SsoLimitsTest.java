package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.ConsoleFrame;
import org.porthole.hostagent.sso.SsoLimits;
import org.porthole.testsupport.guest.FakeSsoPort;

/** The SSO stream's limits, made short: every one ends the stream and frees the port. */
class SsoLimitsTest extends SsoAgentTest {
  static final long BUDGET = 1024;
  final List<StreamObserver<ConsoleFrame>> req = new ArrayList<>();

  @Override
  SsoLimits limits() {
    return new SsoLimits(
        8,
        Duration.ofMillis(300),
        Duration.ofMillis(300),
        Duration.ofMillis(300),
        Duration.ofMillis(1500),
        Duration.ofMillis(100),
        BUDGET,
        256);
  }

  @Test
  void aGuestThatNeverAnswersBeginIsUpstreamUnavailableNotAHang() throws Exception {
    consoleLive("s1");
    guest.answer(false);
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(rec.lastClose().getStatus()).isEqualTo("UPSTREAM_UNAVAILABLE");
    assertThat(rec.lastClose().getReason()).contains("did not begin");
  }

  @Test
  void cutsAnExchangeOffAtItsLimitAndFreesThePort() throws Exception {
    port.mode(FakeSsoPort.Mode.HOLD);
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    rec.readBytes(signature().length());
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(rec.lastClose().getReason()).contains("did not end within 1500 ms");
    awaitTrue(() -> sso.claimedPorts() == 0);
  }

  @Test
  void refusesAFrameOverTheFrameLimit() throws Exception {
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    rec.readBytes(signature().length());
    req.get(0).onNext(frame(257));
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(rec.lastClose().getStatus()).isEqualTo("TOO_LARGE");
  }

  @Test
  void refusesMoreThanTheByteBudget() throws Exception {
    port.mode(FakeSsoPort.Mode.HOLD);
    consoleLive("s1");
    RecordingObserver rec = openSso(ssoToken("s1"), req);
    rec.readBytes(signature().length());
    for (int i = 0; i < BUDGET / 256 + 1; i++) {
      req.get(0).onNext(frame(256));
    }
    assertThat(rec.awaitStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(rec.lastClose().getReason()).contains("more than " + BUDGET + " bytes");
  }

  private static ConsoleFrame frame(int n) {
    return ConsoleFrame.newBuilder().setData(ByteString.copyFrom(new byte[n])).build();
  }
}
