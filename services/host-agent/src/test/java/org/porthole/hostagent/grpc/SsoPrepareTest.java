package org.porthole.hostagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.porthole.api.hostagent.v1.PrepareConsoleRequest;

/** PrepareConsole with sso: the guest's SPN, or FAILED_PRECONDITION naming what is missing. */
class SsoPrepareTest extends SsoAgentTest {
  volatile boolean portPresent = true;

  @Override
  Optional<Path> ssoSocket(String vm) {
    return portPresent ? super.ssoSocket(vm) : Optional.empty();
  }

  private PrepareConsoleRequest.Builder prepare(String mode) {
    return PrepareConsoleRequest.newBuilder()
        .setVmUuid(VM)
        .setSessionId("s1")
        .setMode(mode)
        .setValidSeconds(60)
        .setSso(true);
  }

  @Test
  void prepareWithSsoNamesTheGuestsSpn() {
    assertThat(blocking.prepareConsole(prepare("interactive").build()).getGuestSpn())
        .isEqualTo(SPN);
  }

  @Test
  void prepareWithoutSsoAnswersNoSpn() {
    assertThat(blocking.prepareConsole(prepare("interactive").setSso(false).build()).getGuestSpn())
        .isEmpty();
  }

  @Test
  void prepareWithSsoRefusesADomainWithoutTheSsoChannel() {
    portPresent = false;
    InProcessAgentTest.assertStatus(
        () -> blocking.prepareConsole(prepare("interactive").build()),
        Status.Code.FAILED_PRECONDITION,
        "no org.porthole.sso.0 channel");
  }

  @Test
  void prepareWithSsoRefusesAGuestThatReportedNoSpn() throws Exception {
    guest.spn(null);
    guest.restart();
    awaitTrue(() -> channels.state(VM).spn().isEmpty());
    InProcessAgentTest.assertStatus(
        () -> blocking.prepareConsole(prepare("interactive").build()),
        Status.Code.FAILED_PRECONDITION,
        "reported no SPN");
  }

  @Test
  void prepareWithSsoRefusesAGuestThatIsNotConnected() throws Exception {
    channels.domainStopped(VM, "test");
    InProcessAgentTest.assertStatus(
        () -> blocking.prepareConsole(prepare("interactive").build()),
        Status.Code.FAILED_PRECONDITION,
        "is not connected");
  }

  @Test
  void ssoOnAViewConsoleIsInvalid() {
    InProcessAgentTest.assertStatus(
        () -> blocking.prepareConsole(prepare("view").build()),
        Status.Code.INVALID_ARGUMENT,
        "sso needs an interactive console");
  }
}
