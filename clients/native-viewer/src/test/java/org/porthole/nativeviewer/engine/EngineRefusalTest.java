package org.porthole.nativeviewer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.porthole.nativeviewer.ExitCode;

class EngineRefusalTest {

  @Test
  void aMissingPermissionIsNamedWithItsOwnExitCode() {
    var f = EngineClient.refusal(403, "console.connect is required on VM 1234");
    assertThat(f.exitCode()).isEqualTo(ExitCode.FORBIDDEN);
    assertThat(f.getMessage()).contains("console.connect");
  }

  @Test
  void aHeldConsoleSuggestsTakeover() {
    var f = EngineClient.refusal(409, "the console of VM x is held by alice; ask again");
    assertThat(f.exitCode()).isEqualTo(ExitCode.HELD);
    assertThat(f.getMessage()).contains("--takeover");
  }

  @Test
  void eachRefusalHasItsExitCode() {
    assertThat(EngineClient.refusal(401, "").exitCode()).isEqualTo(ExitCode.SIGN_IN);
    assertThat(EngineClient.refusal(404, "").exitCode()).isEqualTo(ExitCode.NOT_FOUND);
    assertThat(EngineClient.refusal(409, "not running").exitCode())
        .isEqualTo(ExitCode.CONSOLE_FAILED);
    assertThat(EngineClient.refusal(429, "").exitCode()).isEqualTo(ExitCode.BUSY);
    assertThat(EngineClient.refusal(503, "").exitCode()).isEqualTo(ExitCode.CONSOLE_FAILED);
  }

  @Test
  void serverTextCannotWriteControlCharactersToTheTerminal() {
    assertThat(EngineClient.clean("a\u001b[2Jb\nc")).isEqualTo("a?[2Jb?c");
  }

  @Test
  void modeFollowsThePermissions() {
    assertThat(new Vm("i", "n", "running", "-", List.of("console.view")).mode()).isEqualTo("view");
    assertThat(new Vm("i", "n", "running", "-", List.of("console.view", "console.connect")).mode())
        .isEqualTo("interactive");
    assertThat(new Vm("i", "n", "running", "-", List.of()).mode()).isEqualTo("-");
  }
}
