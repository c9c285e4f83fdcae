package org.porthole.nativeviewer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.porthole.nativeviewer.ExitCode;

class ConnectCommandTest {
  @TempDir Path config;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void ssoOnAViewOnlyConsoleIsAUsageErrorBeforeTheEngineIsAsked() {
    // An engine nobody listens on: reaching it would end with ENGINE_DOWN, not USAGE.
    int code = run("connect", "porthole-demo", "--sso", "--view", "--proxy-only");

    assertThat(code).isEqualTo(ExitCode.USAGE.code());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("--sso signs you in to the guest and needs an interactive console")
        .doesNotContain("porthole-viewer: the engine");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void theHelpOffersSso() {
    assertThat(run("connect", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--sso").contains("kinit -f");
  }

  private int run(String... args) {
    Map<String, String> env =
        Map.of(
            "PORTHOLE_ENGINE_URL",
            "http://127.0.0.1:9",
            "PORTHOLE_VIEWER_CONFIG",
            config.toString());
    return ViewerCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        env);
  }
}
